namespace Orchestrator.Coordinator.Push;

// The artifact pusher actor's protocol.

/// <summary>Publish a checkpoint or the final model in the background (coalesced to the newest while a push runs).</summary>
public sealed record PushArtifact(PushRequest Request);

/// <summary>Answered with <see cref="PushesCompleted"/> once every push asked for, the final one included, is done.</summary>
public sealed record CompletePushes
{
    public static readonly CompletePushes Instance = new();
}

public sealed record PushesCompleted(PushSummary Summary);
