using Akka.Actor;
using Orchestrator.Coordinator.Push;

namespace Orchestrator.Coordinator.Tests.Push;

public sealed class ArtifactPusherActorTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void Pushes_are_queued_without_waiting_and_completion_is_a_message_after_the_final_push()
    {
        var destination = new GatedDestination();
        var pusher = new ArtifactPusher([destination], new CollectingSink().Logger(), PushTestKit.FastRetries);
        var actor = Sys.ActorOf(Props.Create(() => new ArtifactPusherActor(pusher)));

        actor.Tell(new PushArtifact(new PushRequest("/c/epoch-0001", "epoch 1")));
        Assert.True(destination.FirstStarted.Task.Wait(TimeSpan.FromSeconds(10)));
        actor.Tell(new PushArtifact(new PushRequest("/c/model", "final model", IsFinal: true)));
        actor.Tell(CompletePushes.Instance);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));  // the first push is still held at the gate
        destination.Release();

        var summary = ExpectMsg<PushesCompleted>().Summary;
        Assert.Equal(["epoch 1", "final model"], destination.Pushed);
        Assert.Equal((2, 0), (summary.Pushed, summary.Failed));
    }
}
