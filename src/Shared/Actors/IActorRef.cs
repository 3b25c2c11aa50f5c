namespace Orchestrator.Shared.Actors;

/// <summary>
/// An address to send messages to. Refs are compared by node and path, so a ref read back from a remote
/// message equals the local one it names. Never blocks: Tell only enqueues.
/// </summary>
public interface IActorRef
{
    /// <summary>The node (actor system) the actor lives on, e.g. "local" or "worker-host-3".</summary>
    string Node { get; }

    /// <summary>The actor's path on its node, e.g. <c>/user/coordinator/worker-0</c>.</summary>
    string Path { get; }

    /// <summary>Enqueues <paramref name="message"/>; the recipient sees <paramref name="sender"/> as its Sender.</summary>
    void Tell(object message, IActorRef? sender = null);

    /// <summary>
    /// Sends <paramref name="message"/> with a temporary reply target as sender and waits for the first reply.
    /// Throws <see cref="AskTimeoutException"/> after <paramref name="timeout"/>, <see cref="AskFailedException"/>
    /// when the actor answers with <see cref="ReplyFailure"/>, and InvalidCastException on a reply of another type.
    /// </summary>
    Task<TReply> Ask<TReply>(object message, TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <summary>Shared equality and Ask for every ref kind.</summary>
internal abstract class ActorRefBase : IActorRef, IEquatable<IActorRef>
{
    protected ActorRefBase(ActorSystem system) => System = system;

    internal ActorSystem System { get; }
    public abstract string Node { get; }
    public abstract string Path { get; }
    public abstract void Tell(object message, IActorRef? sender = null);

    public Task<TReply> Ask<TReply>(object message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        System.AskAsync<TReply>(this, message, timeout, cancellationToken);

    public bool Equals(IActorRef? other) => other is not null && other.Node == Node && other.Path == Path;
    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Node, Path);
    public override string ToString() => $"{Node}:{Path}";
}

/// <summary>A ref to an actor of this process: enqueues the message object itself, no serialisation.</summary>
internal sealed class LocalActorRef : ActorRefBase
{
    internal LocalActorRef(ActorCell cell) : base(cell.System) => Cell = cell;

    internal ActorCell Cell { get; }
    public override string Node => System.Node;
    public override string Path => Cell.Path;

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Enqueue(new Envelope(message, sender));
    }
}

/// <summary>
/// A ref known only by node and path (read from a message, or made with <see cref="ActorSystem.RefFor"/>).
/// Resolved at each Tell: a local path goes to the live actor there, a remote one through the transport.
/// </summary>
internal sealed class PathActorRef : ActorRefBase
{
    internal PathActorRef(ActorSystem system, string node, string path) : base(system)
    {
        Node = node;
        Path = path;
    }

    public override string Node { get; }
    public override string Path { get; }

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        System.Route(Node, Path, message, sender);
    }
}

/// <summary>Where undeliverable messages go; also the Sender of a message told without one.</summary>
internal sealed class DeadLettersRef : ActorRefBase
{
    internal DeadLettersRef(ActorSystem system) : base(system) { }
    public override string Node => System.Node;
    public override string Path => "/deadLetters";

    public override void Tell(object message, IActorRef? sender = null) =>
        System.PublishDeadLetter(message, sender, Path);
}

/// <summary>The temporary reply target of one Ask: the first message completes the ask.</summary>
internal sealed class PromiseActorRef : ActorRefBase
{
    private readonly TaskCompletionSource<object> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal PromiseActorRef(ActorSystem system, string path, string targetNode) : base(system)
    {
        Path = path;
        TargetNode = targetNode;
    }

    /// <summary>The node of the asked actor: losing it fails the ask at once instead of waiting for the timeout.</summary>
    internal string TargetNode { get; }

    public override string Node => System.Node;
    public override string Path { get; }
    internal Task<object> Reply => _reply.Task;

    public override void Tell(object message, IActorRef? sender = null)
    {
        if (!_reply.TrySetResult(message)) System.PublishDeadLetter(message, sender, Path);
    }
}
