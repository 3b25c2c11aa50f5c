namespace Orchestrator.Shared.Actors;

/// <summary>
/// Sent to every watcher when a watched actor stops, or at once when it was already gone at watch time.
/// <paramref name="Reason"/> is null for a normal stop, else why (failure, restart limit, node lost).
/// </summary>
public sealed record Terminated(IActorRef Actor, string? Reason);

/// <summary>Stops the recipient after the messages enqueued before it (an ordered stop).</summary>
public sealed record PoisonPill
{
    public static readonly PoisonPill Instance = new();
}

/// <summary>An error reply: makes the pending Ask throw <see cref="AskFailedException"/>.</summary>
public sealed record ReplyFailure(string Error);

/// <summary>A message nobody could receive (recipient stopped, unknown path, or an unhandled message).</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, string Recipient);

/// <summary>The runtime's notice that a watched actor stopped; becomes <see cref="Terminated"/> if still watched.</summary>
internal sealed record DeathWatchNotification(IActorRef Actor, string? Reason);

// Remote death watch, carried through the transport like any message.
internal sealed record WatchRemote(string WatcherNode, string WatcherPath);
internal sealed record UnwatchRemote(string WatcherNode, string WatcherPath);

/// <summary>A child's failure escalated to its parent; the parent completes Resolution (true = child resumes).</summary>
internal sealed record ChildFailed(ActorCell Child, Exception Exception, TaskCompletionSource<bool> Resolution);
