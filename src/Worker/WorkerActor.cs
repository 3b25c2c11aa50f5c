using System.Diagnostics;
using Orchestrator.Shared.Actors;
using Orchestrator.Shared.Data;
using Orchestrator.Torch.Distributed;
using Orchestrator.Worker.Training;
using Serilog;

namespace Orchestrator.Worker;

/// <summary>
/// One worker per device: owns a model replica, its optimizer and a c10d process group, and trains its
/// shard on request. Compute runs on the worker's own compute thread and its result is piped back to the
/// requester, so the mailbox stays free (the coordinator can always reach a busy worker). Requests are answered
/// in order; the coordinator sends the next one only after the reply to the last.
/// </summary>
public sealed class WorkerActor(ILogger logger) : Actor
{
    private ModelReplica? replica;
    private Collectives collectives = Collectives.Single;
    private WorkerData? data;
    private Shared.Config.TrainingPlan? plan;
    private int rank;
    private ComputeThread? compute;
    // Trainer logs the mean loss of the steps since the last log, not the last step's: kept across
    // segments so a window that spans an evaluation is still whole.
    private double lossSinceLog;
    private int stepsSinceLog;

    protected override Task OnReceive(object message)
    {
        var requester = Sender;
        switch (message)
        {
            case InitializeWorker init:
                compute ??= new ComputeThread($"worker-{init.Rank}-compute", init.IntraOpThreads);
                RunOnCompute(requester, nameof(InitializeWorker), () => Initialize(init));
                break;
            case TrainSegment segment:
                RunOnCompute(requester, nameof(TrainSegment), () => Train(segment, requester));
                break;
            case EvaluateShard evaluate:
                RunOnCompute(requester, nameof(EvaluateShard), () => Evaluate(evaluate));
                break;
            case SnapshotCheckpoint snapshot:
                RunOnCompute(requester, nameof(SnapshotCheckpoint), () =>
                {
                    snapshots[snapshot.Step] = Replica.TakeSnapshot();
                    return new CheckpointSnapshotted(rank, snapshot.Step);
                });
                break;
            case WriteCheckpointFiles write:
                // Files are written while the replica trains on, so not on the compute thread; with one intra-op
                // thread, so their copies do not start a second OpenMP team spinning against training's.
                RunBesideCompute(requester, nameof(WriteCheckpointFiles), () => WriteFiles(write));
                break;
            case LoadWeights load:
                RunOnCompute(requester, nameof(LoadWeights), () =>
                {
                    Replica.LoadWeights(load.Directory);
                    return new WeightsLoaded(rank);
                });
                break;
            default:
                Unhandled(message);
                break;
        }
        return Task.CompletedTask;
    }

    // Written on their own thread while the replica trains on (see CoordinatorActor.SaveOrContinue).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, CheckpointSnapshot> snapshots = new();

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

    /// <summary>Runs a request on the compute thread, after the ones before it, and replies with its result.</summary>
    private void RunOnCompute(IActorRef requester, string request, Func<object> work)
    {
        var self = Self;
        var thread = compute ?? throw new InvalidOperationException($"{request} before {nameof(InitializeWorker)}");
        thread.Post(() => Reply(requester, self, request, work));
    }

    private void RunBesideCompute(IActorRef requester, string request, Func<object> work)
    {
        var self = Self;
        _ = Task.Factory.StartNew(() =>
        {
            Orchestrator.Torch.ComputeThreads.Use(1);
            Reply(requester, self, request, work);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Reply(IActorRef requester, IActorRef self, string request, Func<object> work)
    {
        try
        {
            requester.Tell(work(), self);
        }
        catch (Exception error)
        {
            logger.Error(error, "Worker {Rank} failed in {Request}", rank, request);
            requester.Tell(new WorkerFailed(rank, request, error.Message), self);
        }
    }

    private WorkerReady Initialize(InitializeWorker init)
    {
        rank = init.Rank;
        data = init.Data;
        plan = init.Settings.Plan;
        if (init.WorldSize > 1)
        {
            var store = new TcpStore(init.StoreHost, init.StorePort, worldSize: 0, isMaster: false, init.CollectiveTimeout);
            collectives = new Collectives(new ProcessGroupGloo(store, init.Rank, init.WorldSize, init.CollectiveTimeout, GlooOptions.Loopback));
        }
        var restore = init.Restore;
        var settings = restore is null ? init.Settings : init.Settings with { ModelDirectory = restore.CheckpointDirectory };
        replica = new ModelReplica(settings, collectives, logger, restore?.CompletedSteps ?? 0);
        if (restore is not null)
        {
            replica.LoadOptimizer(Path.Combine(restore.CheckpointDirectory, CheckpointSnapshot.OptimizerFile));
            if (restore.RngState is not null) replica.SetRngState(restore.RngState);
        }
        logger.Information("Worker {Rank} of {WorldSize} ready at step {Step}", rank, init.WorldSize, replica.CompletedSteps);
        return new WorkerReady(rank, replica.CompletedSteps);
    }

    private SegmentDone Train(TrainSegment segment, IActorRef coordinator)
    {
        var d = data!;
        var plan = this.plan!;
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
                coordinator.Tell(new TrainProgress(rank, segment.Epoch, result.GlobalStep, lossSinceLog / stepsSinceLog, result.LearningRate, result.GradNorm,
                    windowSamples * collectives.WorldSize / Math.Max(1e-9, windowWatch.Elapsed.TotalSeconds)), Self);
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
        var d = data!;
        var batches = d.Collator.Batches(d.Validation, request.Shard, d.EvalBatchSize).ToList();
        var evaluation = Replica.Evaluate(batches, request.RealCount);
        logger.Information("Worker {Rank} evaluated {Rows} rows: predicting {PredictSeconds:F3} s, waiting for the other ranks {WaitSeconds:F3} s, padding and gathering {GatherSeconds:F3} s ({GatherShare:P1})",
            rank, evaluation.Gathered.RowsPerRank, evaluation.Predicting.TotalSeconds, evaluation.Waiting.TotalSeconds,
            evaluation.Gathering.TotalSeconds, evaluation.GatherShare);
        return new EvaluationDone(rank, evaluation.Gathered, evaluation.Loss);
    }

    protected override Task PostStop()
    {
        compute?.Dispose();
        foreach (var snapshot in snapshots.Values) snapshot.Dispose();
        replica?.Dispose();
        collectives.Dispose();
        return Task.CompletedTask;
    }
}
