using Akka.Actor;
using Akka.TestKit;
using Orchestrator.Coordinator.Push;
using Orchestrator.Coordinator.Run;
using Orchestrator.Coordinator.Tests.Push;
using Orchestrator.Coordinator.Tests.Run;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data.Synthetic;
using Orchestrator.Worker;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Tests.Cluster;

/// <summary>
/// The coordinator's protocol with probes standing in for workers: joining, proving the data, ranks and group
/// generations, and what a lost worker starts. Messages only, no training.
/// </summary>
public sealed class CoordinatorProtocolTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly TaskCompletionSource<RunOutcome> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunContext? context;

    private IActorRef Coordinator(int maxFailures = 3, double joinTimeoutSeconds = 30)
    {
        var model = RunTestKit.TinyModel(temp.Combine("base"), NerCorpusGenerator.Labels, ModelTask.TokenClassification);
        var data = RunTestKit.NerData(temp.Combine("data"), train: 16, validation: 5);
        var options = RunTestKit.NerOptions(model, data, temp.Combine("run"), workers: 2, batchSize: 4) with { MaxFailures = maxFailures };
        var logger = new CollectingSink().Logger();
        var prepared = PreparedRun.Prepare(options, logger);
        var folder = RunFolder.Open(options);
        context = new RunContext(prepared, folder, logger, new CheckpointStore(Path.Combine(folder.Directory, "checkpoints"), logger),
            new ArtifactPusher([], logger), NullRunObserver.Instance, null)
        {
            WorkerJoinTimeout = TimeSpan.FromSeconds(joinTimeoutSeconds),
        };
        var run = context;
        return Sys.ActorOf(Props.Create(() => new CoordinatorActor(run, completion)), "coordinator");
    }

    private string Fingerprint => context!.Prepared.DataFingerprint;

    /// <summary>A probe registers and proves it holds the data; returns what the coordinator asked it to prepare.</summary>
    private PrepareData Join(TestProbe worker, IActorRef coordinator, string? fingerprint = null)
    {
        worker.Send(coordinator, new RegisterWorker("cpu", "127.0.0.1", 4242));
        var prepare = worker.ExpectMsg<PrepareData>();
        worker.Reply(new DataPrepared("cpu", fingerprint ?? Fingerprint));
        return prepare;
    }

    /// <summary>Two probes join; returns them with the InitializeWorker of generation 0 each was sent.</summary>
    private (TestProbe A, TestProbe B, InitializeWorker InitA, InitializeWorker InitB) TwoWorkersJoin(IActorRef coordinator)
    {
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Join(a, coordinator);
        Join(b, coordinator);
        return (a, b, a.ExpectMsg<InitializeWorker>(), b.ExpectMsg<InitializeWorker>());
    }

    private async Task<string> FailureOf()
    {
        var error = await Assert.ThrowsAsync<RunFailedException>(() => completion.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        return error.Message;
    }

    [Fact]
    public async Task Workers_that_do_not_join_in_time_fail_the_run_with_a_clear_message()
    {
        var coordinator = Coordinator(joinTimeoutSeconds: 1);
        Join(CreateTestProbe(), coordinator);
        Assert.Contains("only 1 of 2 workers joined within 1 s", await FailureOf());
    }

    [Fact]
    public async Task A_worker_sent_the_options_with_absolute_paths_and_a_different_fingerprint_is_refused()
    {
        var coordinator = Coordinator();
        var worker = CreateTestProbe();
        var prepare = Join(worker, coordinator, fingerprint: new string('0', 64));
        var options = TrainOptionsJson.Read(prepare.OptionsJson);
        Assert.Equal(Path.GetFullPath(context!.Options.DataPath!), options.DataPath);
        Assert.True(Path.IsPathRooted(options.ModelPath));
        Assert.Equal(context.Folder.RunId, prepare.RunId);

        Assert.Contains("encoded different data", await FailureOf());
        worker.ExpectMsg<StopWorker>();
    }

    [Fact]
    public void A_lost_worker_aborts_the_group_and_a_replacement_forms_the_next_generation_from_the_last_checkpoint()
    {
        var coordinator = Coordinator();
        var (a, b, initA, initB) = TwoWorkersJoin(coordinator);
        Assert.Equal([0, 1], new[] { initA.Rank, initB.Rank }.Order());
        Assert.Equal((0, 0), (initA.Generation, initB.Generation));
        Assert.True(initA.StorePort > 0 && initA.StorePort == initB.StorePort);
        Assert.Equal((2, 2), (initA.WorkersOnHost, initB.WorkersOnHost));  // both on 127.0.0.1: each takes half the cores
        a.Reply(new WorkerReady(initA.Rank, 0, 0));
        b.Reply(new WorkerReady(initB.Rank, 0, 0));
        var segmentA = a.ExpectMsg<TrainSegment>();
        var segmentB = b.ExpectMsg<TrainSegment>();
        Assert.Empty(segmentA.Shard.Intersect(segmentB.Shard));  // indices, disjoint across ranks

        Sys.Stop(b.Ref);  // rank b is lost (death watch)
        Assert.Equal(0, a.ExpectMsg<AbortGroup>().Generation);
        var c = CreateTestProbe();
        Join(c, coordinator);
        var reinitA = a.ExpectMsg<InitializeWorker>();
        var initC = c.ExpectMsg<InitializeWorker>();
        Assert.Equal((1, 1), (reinitA.Generation, initC.Generation));
        Assert.Equal(initA.Rank, reinitA.Rank);  // the survivor keeps its rank; the newcomer takes the lost one
        Assert.Equal(initB.Rank, initC.Rank);
        Assert.Null(reinitA.Restore);  // nothing committed yet: every rank starts over from the base model
        coordinator.Tell(new WorkerReady(reinitA.Rank, 0, 0), a.Ref);  // a stale generation's reply changes nothing
        c.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        coordinator.Tell(new WorkerReady(reinitA.Rank, 1, 0), a.Ref);
        coordinator.Tell(new WorkerReady(initC.Rank, 1, 0), c.Ref);
        Assert.Equal(segmentA.Shard, a.ExpectMsg<TrainSegment>().Shard);  // the same epoch order again from step 0
        Assert.False(completion.Task.IsCompleted);
    }

    [Fact]
    public void A_replacement_lost_while_the_group_forms_leaves_a_stale_failure_and_the_next_generation_forms_in_a_new_store()
    {
        var coordinator = Coordinator();
        var (a, b, init0, _) = TwoWorkersJoin(coordinator);

        Sys.Stop(b.Ref);  // lost before generation 0 formed
        Assert.Equal(0, a.ExpectMsg<AbortGroup>().Generation);
        var c = CreateTestProbe();
        Join(c, coordinator);
        var init1 = a.ExpectMsg<InitializeWorker>();
        c.ExpectMsg<InitializeWorker>();
        Assert.Equal(1, init1.Generation);
        Assert.NotEqual(init0.StorePort, init1.StorePort);

        Sys.Stop(c.Ref);  // the replacement is lost too, while a waits in generation 1's rendezvous
        Assert.Equal(1, a.ExpectMsg<AbortGroup>().Generation);
        var d = CreateTestProbe();
        Join(d, coordinator);
        var init2 = a.ExpectMsg<InitializeWorker>();
        var initD = d.ExpectMsg<InitializeWorker>();
        Assert.Equal((2, 2), (init2.Generation, initD.Generation));
        Assert.Equal(init2.StorePort, initD.StorePort);
        // Generation 1's store is closed, so a rendezvous still waiting in it has failed at once instead of at the
        // collective timeout; nobody can connect to it any more.
        Assert.Throws<Orchestrator.Torch.TorchException>(() =>
            new Orchestrator.Torch.Distributed.TcpStore(init1.StoreHost, init1.StorePort, 0, isMaster: false, TimeSpan.FromMilliseconds(500)));

        // The survivor's failed generation-1 rendezvous arrives now: stale, it neither fails the run nor stops anyone.
        coordinator.Tell(new WorkerFailed(init1.Rank, nameof(InitializeWorker), "Connection closed by peer", Generation: 1), a.Ref);
        coordinator.Tell(new WorkerReady(init2.Rank, 2, 0), a.Ref);
        coordinator.Tell(new WorkerReady(initD.Rank, 2, 0), d.Ref);
        a.ExpectMsg<TrainSegment>();
        d.ExpectMsg<TrainSegment>();
        Assert.False(completion.Task.IsCompleted);
    }

    [Fact]
    public void A_failure_while_the_group_forms_waits_for_a_lost_peer_instead_of_failing_the_run()
    {
        var coordinator = Coordinator();
        var (a, b, init, _) = TwoWorkersJoin(coordinator);
        coordinator.Tell(new WorkerFailed(init.Rank, nameof(InitializeWorker), "Connection reset by peer", Generation: 0), a.Ref);
        Assert.Equal(0, a.ExpectMsg<AbortGroup>().Generation);
        Sys.Stop(b.Ref);  // the peer it could not reach is reported lost
        var c = CreateTestProbe();
        Join(c, coordinator);
        Assert.Equal(1, ((InitializeWorker)a.FishForMessage(m => m is InitializeWorker)).Generation);  // after the aborts
        Assert.Equal(1, c.ExpectMsg<InitializeWorker>().Generation);
        Assert.False(completion.Task.IsCompleted);
    }

    [Fact]
    public async Task A_failure_to_prepare_the_data_fails_the_run_at_once()
    {
        var coordinator = Coordinator();
        var a = CreateTestProbe();
        a.Send(coordinator, new RegisterWorker("cpu", "127.0.0.1", 4242));
        a.ExpectMsg<PrepareData>();
        a.Reply(new WorkerFailed(-1, nameof(PrepareData), "train.csv:3: text: empty text"));
        Assert.Contains("a worker failed in PrepareData: train.csv:3: text: empty text", await FailureOf());
    }

    [Fact]
    public async Task A_lost_worker_beyond_max_failures_fails_the_run_and_stops_the_others()
    {
        var coordinator = Coordinator(maxFailures: 0);
        var (a, b, _, _) = TwoWorkersJoin(coordinator);
        Sys.Stop(b.Ref);
        Assert.Contains("--max-failures 0 is used up", await FailureOf());
        a.FishForMessage(m => m is StopWorker);
    }

    public new void Dispose()
    {
        base.Dispose();
        temp.Dispose();
    }
}
