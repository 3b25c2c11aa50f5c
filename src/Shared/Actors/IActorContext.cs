using Serilog;

namespace Orchestrator.Shared.Actors;

/// <summary>What an actor can see and do; valid only on the actor's own turn (inside its methods).</summary>
public interface IActorContext
{
    IActorRef Self { get; }

    /// <summary>Sender of the current message; the dead-letters ref when there was none.</summary>
    IActorRef Sender { get; }

    /// <summary>The supervising parent (the /user guardian for top-level actors).</summary>
    IActorRef Parent { get; }

    IReadOnlyCollection<IActorRef> Children { get; }

    ActorSystem System { get; }

    /// <summary>A logger with the actor's path as property ActorPath.</summary>
    ILogger Log { get; }

    /// <summary>Creates a supervised child at <c>Self.Path + "/" + name</c>.</summary>
    IActorRef Spawn(Props props, string name);

    IActorRef? Child(string name);

    /// <summary>Receive <see cref="Terminated"/> when <paramref name="actor"/> stops (at once if it already has).</summary>
    void Watch(IActorRef actor);

    /// <summary>Stop watching; a Terminated still queued for it is dropped.</summary>
    void Unwatch(IActorRef actor);

    /// <summary>Stops Self or a child after its current message (queued messages become dead letters).</summary>
    void Stop(IActorRef actor);

    /// <summary>Stops every child and waits until they have terminated.</summary>
    Task StopChildrenAsync();
}
