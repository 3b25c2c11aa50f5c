namespace Orchestrator.Shared.Actors;

/// <summary>
/// Base class of every actor. The runtime calls <see cref="OnReceive"/> for one message at a time, in
/// mailbox order, and awaits it before the next one: the actor's fields need no locks. Do not block in
/// OnReceive on work that others should see progress from; run it as a Task and
/// <see cref="PipeToExtensions.PipeTo{T}"/> the result back to Self.
/// </summary>
public abstract class Actor
{
    // Lets the constructor use Context: the cell sets this around the factory call.
    [ThreadStatic] internal static ActorCell? Constructing;

    private ActorCell? _cell;

    protected Actor() => _cell = Constructing;

    /// <summary>The actor's view of the runtime: Self, Sender, Parent, children, watch, stop.</summary>
    protected IActorContext Context =>
        _cell ?? throw new InvalidOperationException("An actor must be created by an ActorSystem from Props.");

    protected IActorRef Self => Context.Self;

    /// <summary>The sender of the message being processed (dead letters when there is none).</summary>
    protected IActorRef Sender => Context.Sender;

    /// <summary>How this actor supervises its children. Read at each child failure.</summary>
    protected internal virtual SupervisorStrategy SupervisorStrategy => SupervisorStrategy.Default;

    protected internal abstract Task OnReceive(object message);

    /// <summary>Before the first message (and, by default, after a restart).</summary>
    protected internal virtual Task PreStart() => Task.CompletedTask;

    /// <summary>After the last message; children are already stopped.</summary>
    protected internal virtual Task PostStop() => Task.CompletedTask;

    /// <summary>On the failed instance before it is replaced: by default stops every child, then PostStop.</summary>
    protected internal virtual async Task PreRestart(Exception reason, object? message)
    {
        await Context.StopChildrenAsync().ConfigureAwait(false);
        await PostStop().ConfigureAwait(false);
    }

    /// <summary>On the fresh instance after a restart: by default PreStart.</summary>
    protected internal virtual Task PostRestart(Exception reason) => PreStart();

    /// <summary>Call for a message the actor does not understand: it is published as a dead letter.</summary>
    protected void Unhandled(object message) =>
        Context.System.PublishDeadLetter(message, Context.Sender, Context.Self.Path);

    private bool _bound;

    // An instance serves one incarnation: a factory that hands out the same object again would carry the
    // failed state across a restart.
    internal void Bind(ActorCell cell)
    {
        if (_bound)
            throw new InvalidOperationException(
                $"Props factory of {cell.Path} returned an instance that was already used; it must create a new {GetType().Name} each call.");
        _bound = true;
        _cell = cell;
    }
}
