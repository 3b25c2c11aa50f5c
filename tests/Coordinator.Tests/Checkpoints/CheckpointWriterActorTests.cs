using Akka.Actor;
using Akka.TestKit;
using Orchestrator.Coordinator.Checkpoints;
using Orchestrator.Coordinator.Tests.Push;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Worker;

namespace Orchestrator.Coordinator.Tests.Checkpoints;

/// <summary>The checkpoint writer's protocol, with a probe standing in for rank 0.</summary>
public sealed class CheckpointWriterActorTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory temp = new();

    private string CheckpointsDirectory => temp.Combine("checkpoints");

    private IActorRef Writer() =>
        Sys.ActorOf(Props.Create(() => new CheckpointWriterActor(CheckpointsDirectory, new CollectingSink().Logger())));

    private static TrainerState State(long step) => new() { GlobalStep = step, StepsPerEpoch = 4 };

    /// <summary>Rank 0's side: write a file into the folder it was given and answer.</summary>
    private static void WriteFiles(TestProbe rankZero, string content)
    {
        var request = rankZero.ExpectMsg<WriteCheckpointFiles>();
        File.WriteAllText(Path.Combine(request.Directory, "model.safetensors"), content);
        rankZero.Reply(new CheckpointFilesWritten(0, request.Directory));
    }

    [Fact]
    public void Writes_commit_in_request_order_and_settle_after_the_last()
    {
        var writer = Writer();
        var rankZero = CreateTestProbe();
        writer.Tell(new WriteCheckpoint("step-000004", State(4), rankZero.Ref, 4, temp.Path));
        writer.Tell(new WriteCheckpoint("epoch-0001", State(8), rankZero.Ref, 8, temp.Path));
        writer.Tell(SettleCheckpoints.Instance);

        var first = rankZero.ExpectMsg<WriteCheckpointFiles>();
        var requester = rankZero.LastSender;
        Assert.Equal(4, first.SnapshotStep);
        rankZero.ExpectNoMsg(TimeSpan.FromMilliseconds(200));  // the second waits for the first
        File.WriteAllText(Path.Combine(first.Directory, "model.safetensors"), "four");
        requester.Tell(new CheckpointFilesWritten(0, first.Directory), rankZero.Ref);
        Assert.Equal("step-000004", ExpectMsg<CheckpointCommitted>().Checkpoint.Name);
        WriteFiles(rankZero, "eight");
        Assert.Equal("epoch-0001", ExpectMsg<CheckpointCommitted>().Checkpoint.Name);
        ExpectMsg<CheckpointsSettled>();

        var latest = new CheckpointStore(CheckpointsDirectory).FindLatest();
        Assert.Equal("epoch-0001", latest.Checkpoint!.Name);
        Assert.Equal("eight", File.ReadAllText(Path.Combine(latest.Checkpoint.FullPath, "model.safetensors")));
    }

    [Fact]
    public void Rank_zero_dying_mid_write_abandons_that_checkpoint_and_leaves_the_committed_one_intact()
    {
        var writer = Writer();
        var rankZero = CreateTestProbe();
        writer.Tell(new WriteCheckpoint("step-000004", State(4), rankZero.Ref, 4, temp.Path));
        WriteFiles(rankZero, "four");
        ExpectMsg<CheckpointCommitted>();

        writer.Tell(new WriteCheckpoint("epoch-0001", State(8), rankZero.Ref, 8, temp.Path));
        var request = rankZero.ExpectMsg<WriteCheckpointFiles>();
        File.WriteAllText(Path.Combine(request.Directory, "model.safetensors"), "half a file");
        Sys.Stop(rankZero.Ref);

        var failed = ExpectMsg<CheckpointFailed>();
        Assert.Equal("epoch-0001", failed.Name);
        Assert.True(failed.RankZeroLost);
        Assert.False(Directory.Exists(request.Directory));
        var latest = new CheckpointStore(CheckpointsDirectory).FindLatest();
        Assert.Equal("step-000004", latest.Checkpoint!.Name);
        Assert.Empty(latest.Skipped);
        writer.Tell(SettleCheckpoints.Instance);
        ExpectMsg<CheckpointsSettled>();
    }

    [Fact]
    public void A_worker_failure_while_writing_is_a_failed_checkpoint_not_a_crash()
    {
        var writer = Writer();
        var rankZero = CreateTestProbe();
        writer.Tell(new WriteCheckpoint("step-000004", State(4), rankZero.Ref, 4, temp.Path));
        rankZero.ExpectMsg<WriteCheckpointFiles>();
        rankZero.Reply(new WorkerFailed(0, nameof(WriteCheckpointFiles), "disk full"));
        var failed = ExpectMsg<CheckpointFailed>();
        Assert.Contains("disk full", failed.Reason);
        Assert.False(failed.RankZeroLost);
        Assert.Null(new CheckpointStore(CheckpointsDirectory).FindLatest().Checkpoint);
    }

    public new void Dispose()
    {
        base.Dispose();
        temp.Dispose();
    }
}
