using System.Diagnostics;
using Akka.Actor;
using Orchestrator.Shared.Cluster;
using Orchestrator.Torch.Distributed;
using Orchestrator.Worker.Training;
using Serilog;

namespace Orchestrator.Worker;

/// <summary>
/// One worker per device: owns a model replica, its optimizer and a c10d process group, and trains its shard on
/// request. It registers with the coordinator (retrying until the coordinator answers), prepares the run's data
/// itself, and then serves requests. Compute runs on the worker's own compute thread and its result is sent back to
/// the requester, so the mailbox stays free: the coordinator can always reach a busy worker (to abort its group when
/// a peer is lost). Requests are answered in order; the coordinator sends the next one only after the reply to the
/// last. The worker stops when the coordinator is gone (death watch) or says the run is over.
/// </summary>
public sealed class WorkerActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan RegistrationRetry = TimeSpan.FromSeconds(2);

    private readonly ILogger baseLogger;
    private readonly WorkerDataLoader loadData;
    private readonly ActorSelection coordinatorPath;
    private readonly string device;
    private readonly string glooHostname;
    private ILogger logger;
    private IActorRef? coordinator;
    private PreparedWorkerData? prepared;
    private ModelReplica? replica;
    private Collectives collectives = Collectives.Single;
    private Store? store;
    private int rank;
    private int generation = -1;
    private ComputeThread? compute;
    // Trainer logs the mean loss of the steps since the last log, not the last step's: kept across
    // segments so a window that spans an evaluation is still whole.
    private double lossSinceLog;
    private int stepsSinceLog;
    // Written on their own thread while the replica trains on (see CoordinatorActor.SaveOrContinue).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, CheckpointSnapshot> snapshots = new();

    public WorkerActor(ILogger logger, WorkerDataLoader loadData, ActorSelection coordinatorPath, string device, string glooHostname)
    {
        baseLogger = this.logger = logger;
        this.loadData = loadData;
        this.coordinatorPath = coordinatorPath;
        this.device = device;
        this.glooHostname = glooHostname;

        Receive<Register>(_ => coordinatorPath.Tell(new RegisterWorker(device, glooHostname, Environment.ProcessId), Self));
        Receive<PrepareData>(OnPrepareData);
        Receive<DataReady>(OnDataReady);
        Receive<InitializeWorker>(OnInitialize);
        Receive<AbortGroup>(OnAbortGroup);
        Receive<TrainSegment>(segment => RunOnCompute(nameof(TrainSegment), () => Train(segment)));
        Receive<EvaluateShard>(evaluate => RunOnCompute(nameof(EvaluateShard), () => Evaluate(evaluate)));
        Receive<SnapshotCheckpoint>(snapshot => RunOnCompute(nameof(SnapshotCheckpoint), () =>
        {
            snapshots[snapshot.Step] = Replica.TakeSnapshot();
            return new CheckpointSnapshotted(rank, snapshot.Step);
        }));
        // Files are written while the replica trains on, so not on the compute thread; with one intra-op thread, so
        // their copies do not start a second OpenMP team spinning against training's.
        Receive<WriteCheckpointFiles>(write => RunBesideCompute(nameof(WriteCheckpointFiles), () => WriteFiles(write)));
        Receive<LoadWeights>(load => RunOnCompute(nameof(LoadWeights), () =>
        {
            Replica.LoadWeights(load.Directory);
            return new WeightsLoaded(rank);
        }));
        Receive<StopWorker>(stop =>
        {
            logger.Information("Worker on {Device} stopping: {Reason}", device, stop.Reason);
            Context.System.EventStream.Publish(new WorkerStopping(device, RunCompleted: !stop.RunFailed, stop.Reason));
            Context.Stop(Self);
        });
        Receive<Terminated>(terminated =>
        {
            if (!terminated.ActorRef.Equals(coordinator)) return;
            logger.Warning("The coordinator is gone; worker on {Device} stopping", device);
            Context.System.EventStream.Publish(new WorkerStopping(device, RunCompleted: false, "the coordinator is gone"));
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record Register
    {
        public static readonly Register Instance = new();
    }

    private sealed record DataReady(PreparedWorkerData Prepared, IActorRef Requester, string Device);

    protected override void PreStart()
    {
        // The coordinator may not be up yet (or its actor not yet started): register until it answers.
        Self.Tell(Register.Instance);
        Timers.StartPeriodicTimer("register", Register.Instance, RegistrationRetry);
    }

    private void OnPrepareData(PrepareData request)
    {
        Timers.Cancel("register");
        if (coordinator is null)
        {
            coordinator = Sender;
            Context.Watch(coordinator);
        }
        if (prepared is not null)
        {
            Sender.Tell(new DataPrepared(device, prepared.DataFingerprint), Self);
            return;
        }
        var requester = Sender;
        var self = Self;
        // Reading and encoding the dataset is plain CPU work off the mailbox; no libtorch involved.
        Task.Run(() => (object)new DataReady(loadData(request), requester, device))
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? t.Result
                : new WorkerFailed(-1, nameof(PrepareData), t.Exception?.GetBaseException().Message ?? "cancelled"), TaskScheduler.Default)
            .PipeTo(self, requester);
    }

    private void OnDataReady(DataReady ready)
    {
        prepared = ready.Prepared;
        logger.Information("Worker on {Device} holds the run's data ({TrainExamples} training, {ValidationExamples} validation examples, fingerprint {DataFingerprint})",
            device, prepared.Data.Train.Count, prepared.Data.Validation.Count, prepared.DataFingerprint);
        ready.Requester.Tell(new DataPrepared(device, prepared.DataFingerprint), Self);
    }

    private void OnInitialize(InitializeWorker init)
    {
        // Its share of this machine's cores (OMP_NUM_THREADS when set), counted here: the coordinator's machine may differ.
        compute ??= new ComputeThread($"worker-{device}-compute", Orchestrator.Torch.ComputeThreads.Budget(init.WorkersOnHost));
        // Abort the previous group (if any) now, from the mailbox: its collectives must not wait out their timeout.
        collectives.Abort();
        generation = init.Generation;
        RunOnCompute(nameof(InitializeWorker), () => Initialize(init));
    }

    private void OnAbortGroup(AbortGroup abort)
    {
        if (abort.Generation != generation) return;
        logger.Warning("Worker {Rank} aborts process group generation {Generation}: a peer is lost", rank, abort.Generation);
        collectives.Abort();
    }

    private CheckpointFilesWritten WriteFiles(WriteCheckpointFiles write)
    {
        CheckpointSnapshot? snapshot = null;
        if (write.SnapshotStep is { } step && !snapshots.TryRemove(step, out snapshot))
            throw new InvalidOperationException($"no checkpoint snapshot of step {step} on worker {rank}");
        using var owned = snapshot ?? Replica.TakeSnapshot();
        owned.WriteTo(write.Directory, write.TokenizerSource, write.IncludeOptimizer);
        return new CheckpointFilesWritten(rank, write.Directory);
    }

    private ModelReplica Replica => replica ?? throw new InvalidOperationException("the worker has not been initialised");

    private PreparedWorkerData Prepared => prepared ?? throw new InvalidOperationException("the worker has not prepared the run's data");

    /// <summary>Runs a request on the compute thread, after the ones before it, and replies to its sender with its result.</summary>
    private void RunOnCompute(string request, Func<object> work)
    {
        var (requester, self, system, group) = (Sender, Self, Context.System, generation);
        if (compute is null)
        {
            requester.Tell(new WorkerFailed(rank, request, $"{request} before {nameof(InitializeWorker)}"), self);
            return;
        }
        compute.Post(() => Reply(system, requester, self, request, group, work));
    }

    private void RunBesideCompute(string request, Func<object> work)
    {
        var (requester, self, system, group) = (Sender, Self, Context.System, generation);
        _ = Task.Factory.StartNew(() =>
        {
            Orchestrator.Torch.ComputeThreads.Use(1);
            Reply(system, requester, self, request, group, work);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <param name="group">The process group generation the request belongs to, reported with a failure.</param>
    private void Reply(ActorSystem system, IActorRef requester, IActorRef self, string request, int group, Func<object> work)
    {
        object reply;
        try
        {
            reply = work();
        }
        catch (Exception error)
        {
            logger.Error(error, "Worker {Rank} failed in {Request}", rank, request);
            reply = new WorkerFailed(rank, request, error.Message, group);
        }
        MessageChunks.Tell(system, requester, reply, self);
    }

    private WorkerReady Initialize(InitializeWorker init)
    {
        // A re-formed group: the old replica, its group and store go first (the group was aborted by the mailbox).
        var watch = Stopwatch.StartNew();
        replica?.Dispose();
        replica = null;
        collectives.Dispose();
        collectives = Collectives.Single;
        store?.Dispose();
        store = null;
        foreach (var stale in snapshots.Values) stale.Dispose();
        snapshots.Clear();
        lossSinceLog = 0;
        stepsSinceLog = 0;
        var releaseSeconds = watch.Elapsed.TotalSeconds;

        rank = init.Rank;
        logger = baseLogger.ForContext("Rank", rank);
        var data = Prepared;
        if (init.WorldSize > 1)
        {
            watch.Restart();
            var client = new TcpStore(ResolvedHosts.AddressOf(init.StoreHost), init.StorePort, worldSize: 0, isMaster: false, init.CollectiveTimeout);
            // Each generation's keys live under their own prefix: a key of the aborted group never matches the new one.
            store = new PrefixStore($"generation-{init.Generation}", client);
            client.Dispose();
            var storeSeconds = watch.Elapsed.TotalSeconds;
            collectives = new Collectives(new ProcessGroupGloo(store, init.Rank, init.WorldSize, init.CollectiveTimeout, new GlooOptions(Hostname: glooHostname)),
                sharedMemory: Collectives.SharedMemoryAllowed);
            // Where a slow re-formed group spends its time: releasing the old one, reaching the store, or waiting for
            // every rank to connect.
            logger.Information("Worker {Rank} released the previous group in {ReleaseSeconds:F2} s, reached the store of group generation {Generation} in {StoreSeconds:F2} s and its Gloo rendezvous in {RendezvousSeconds:F2} s",
                rank, releaseSeconds, init.Generation, storeSeconds, watch.Elapsed.TotalSeconds - storeSeconds);
        }
        var restore = init.Restore;
        var settings = restore is null ? data.Settings : data.Settings with { ModelDirectory = restore.CheckpointDirectory };
        replica = new ModelReplica(settings, collectives, logger, restore?.CompletedSteps ?? 0);
        if (restore is not null)
        {
            replica.LoadOptimizer(Path.Combine(restore.CheckpointDirectory, CheckpointSnapshot.OptimizerFile));
            if (restore.RngState is not null) replica.SetRngState(restore.RngState);
        }
        // Every rank, in the same order: the evaluation's collectives once, at the size of this rank's evaluation shard.
        var validation = data.Data.Validation;
        ShardEvaluator.WarmUp(collectives, (validation.Count + init.WorldSize - 1) / init.WorldSize,
            validation.Select(e => e.InputIds.Length).DefaultIfEmpty(0).Max());
        logger.Information("Worker {Rank} of {WorldSize} on {Device} ready at step {Step} (group generation {Generation}, sums through {SumTransport})",
            rank, init.WorldSize, device, replica.CompletedSteps, init.Generation, collectives.SumTransport);
        return new WorkerReady(rank, init.Generation, replica.CompletedSteps);
    }

    private SegmentDone Train(TrainSegment segment)
    {
        var d = Prepared.Data;
        var plan = Prepared.Settings.Plan;
        // Only this segment's slice of the epoch's shard is collated: an epoch split at evaluation or save steps
        // would otherwise be collated once per segment.
        var examplesPerStep = plan.GradientAccumulationSteps * d.TrainBatchSize;
        var start = segment.FirstStep * examplesPerStep;
        var end = Math.Min(segment.Shard.Length, segment.EndStep * examplesPerStep);
        var batches = d.Collator.Batches(d.Train, new ArraySegment<int>(segment.Shard, start, end - start), d.TrainBatchSize).ToList();
        var watch = Stopwatch.StartNew();
        var windowWatch = Stopwatch.StartNew();
        double lossTotal = 0;
        int samples = 0, windowSamples = 0, steps = 0;
        for (var step = segment.FirstStep; step < segment.EndStep; step++)
        {
            var first = (step - segment.FirstStep) * plan.GradientAccumulationSteps;
            var micro = batches.GetRange(first, plan.MicroBatchesInStep(step));
            var result = Replica.TrainStep(micro);
            lossTotal += result.Loss;
            samples += result.Samples;
            windowSamples += result.Samples;
            steps++;
            lossSinceLog += result.Loss;
            stepsSinceLog++;
            if (rank == 0 && segment.ProgressEvery > 0 && result.GlobalStep % segment.ProgressEvery == 0)
            {
                this.coordinator?.Tell(new TrainProgress(rank, segment.Epoch, result.GlobalStep, lossSinceLog / stepsSinceLog, result.LearningRate, result.GradNorm,
                    windowSamples * collectives.WorldSize / Math.Max(1e-9, windowWatch.Elapsed.TotalSeconds)), ActorRefs.NoSender);
                windowWatch.Restart();
                windowSamples = 0;
                lossSinceLog = 0;
                stepsSinceLog = 0;
            }
        }
        var throughput = samples * collectives.WorldSize / Math.Max(1e-9, watch.Elapsed.TotalSeconds);
        return new SegmentDone(rank, segment.Epoch, Replica.CompletedSteps, lossTotal / Math.Max(1, steps), throughput, Replica.GetRngState());
    }

    private EvaluationDone Evaluate(EvaluateShard request)
    {
        var d = Prepared.Data;
        var batches = d.Collator.Batches(d.Validation, request.Shard, d.EvalBatchSize).ToList();
        var evaluation = Replica.Evaluate(batches, request.RealCount);
        logger.Information("Worker {Rank} evaluated {Rows} rows: predicting {PredictSeconds:F3} s, waiting for the other ranks {WaitSeconds:F3} s, padding and gathering {GatherSeconds:F3} s ({GatherShare:P1})",
            rank, evaluation.Gathered.RowsPerRank, evaluation.Predicting.TotalSeconds, evaluation.Waiting.TotalSeconds,
            evaluation.Gathering.TotalSeconds, evaluation.GatherShare);
        return new EvaluationDone(rank, evaluation.Gathered, evaluation.Loss, evaluation.GatherShare);
    }

    protected override void PostStop()
    {
        collectives.Abort();
        var (thread, oldReplica, oldCollectives, oldStore) = (compute, replica, collectives, store);
        var pending = snapshots.Values.ToList();
        // Freed on the compute thread after its queued work, so no step is cut off under a tensor it still uses.
        if (thread is null) Free();
        else
        {
            thread.Post(Free);
            thread.Dispose();
        }

        void Free()
        {
            foreach (var snapshot in pending) snapshot.Dispose();
            oldReplica?.Dispose();
            oldCollectives.Dispose();
            oldStore?.Dispose();
        }
    }
}
