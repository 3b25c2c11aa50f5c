using Akka.Actor;

namespace Orchestrator.Coordinator.Push;

/// <summary>
/// The coordinator's door to the <see cref="ArtifactPusher"/>: pushes are queued without blocking the coordinator's
/// mailbox, and the end of the run waits for them through a message, never by blocking a thread.
/// </summary>
public sealed class ArtifactPusherActor : ReceiveActor
{
    public ArtifactPusherActor(ArtifactPusher pusher)
    {
        Receive<PushArtifact>(push => pusher.Enqueue(push.Request));
        Receive<CompletePushes>(_ => pusher.CompleteAsync()
            .ContinueWith(t => new PushesCompleted(t.Result), TaskScheduler.Default)
            .PipeTo(Sender));
    }
}
