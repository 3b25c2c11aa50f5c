using Orchestrator.Coordinator.Push;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Actors;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Data;
using Orchestrator.Torch.Distributed;
using Orchestrator.Worker;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Training;
using Serilog;
using CardEvaluation = Orchestrator.Coordinator.Push.EvaluationRecord;
using StateEvaluation = Orchestrator.Shared.Checkpoints.EvaluationRecord;

namespace Orchestrator.Coordinator;

/// <summary>
/// Owns a run. Protocol: spawn and initialise one worker per rank (rendezvous over a TCPStore this actor
/// hosts) -> per segment (the steps up to the next evaluation, save or epoch end) send every worker its
/// shard of the epoch's seeded order -> when all are done, evaluate (every rank its shard, gathered) ->
/// checkpoint: rank 0 copies the step's state, and while the next segment trains its files are written
/// into the writer's temporary folder and committed, then the push is enqueued. At the end: wait for the
/// checkpoint writes, load the best model if asked, save the final model, push it, wait for the pusher,
/// and complete <paramref name="completion"/>. A lost or failed worker fails the run; its last committed
/// checkpoint is where `orchestrator train` resumes.
/// </summary>
public sealed class CoordinatorActor(RunContext run, TaskCompletionSource<RunOutcome> completion) : Actor
{
    private readonly ILogger log = run.Logger.ForContext("Role", "coordinator");
    private readonly List<IActorRef> workers = [];
    private readonly Dictionary<int, object> replies = [];
    private readonly List<StateEvaluation> evaluations = run.Resume?.State.MetricHistory.ToList() ?? [];
    private readonly List<Dictionary<string, double>> logHistory = run.Resume?.State.LogHistory.ToList() ?? [];
    private readonly byte[]?[] rngStates = new byte[]?[run.Options.Workers];
    private TcpStore? store;
    private long globalStep = run.Resume?.State.GlobalStep ?? 0;
    private double? bestMetric = run.Resume?.State.BestMetric;
    private string? bestCheckpoint = run.Resume?.State.BestModelCheckpoint;
    private int[] TrainLengths => field ??= run.Prepared.Train.Select(e => e.Length).ToArray();
    private (int Epoch, DistributedShardPlan Plan)? trainShards;
    private (string Name, TrainerState State)? pendingCheckpoint;
    private Task checkpointWrites = Task.CompletedTask;
    private IReadOnlyList<ConsoleView.TypeScores> lastPerType = [];
    private bool finished;

    private int WorldSize => run.Options.Workers;

    protected override Task PreStart()
    {
        if (WorldSize > 1)
            store = new TcpStore("127.0.0.1", 0, worldSize: 0, isMaster: true, run.CollectiveTimeout);
        var data = new WorkerData(run.Prepared.Train, run.Prepared.Validation,
            new Collator(run.Prepared.Tokenizer.PadTokenId, run.Prepared.Task.LabelKind(), run.Options.PadToMultipleOf),
            run.Options.PerDeviceTrainBatchSize, run.Options.PerDeviceEvalBatchSize);
        var settings = ReplicaSettings.From(run.Options, run.Prepared.ModelDirectory, run.Prepared.Task, run.Prepared.Labels.Names, run.Plan);
        for (var rank = 0; rank < WorldSize; rank++)
        {
            var workerLog = run.Logger.ForContext("Role", "worker").ForContext("Rank", rank);
            var worker = Context.Spawn(Props.Create(() => new WorkerActor(workerLog)), $"worker-{rank}");
            Context.Watch(worker);
            workers.Add(worker);
            var restore = run.Resume is { } checkpoint
                ? new WorkerRestore(checkpoint.FullPath, checkpoint.State.GlobalStep,
                    checkpoint.State.RngStates.FirstOrDefault(s => s.Rank == rank)?.State)
                : null;
            worker.Tell(new InitializeWorker(rank, WorldSize, "127.0.0.1", store?.Port ?? 0, run.CollectiveTimeout, settings, data, restore,
                IntraOpThreads: Math.Max(1, Environment.ProcessorCount / WorldSize)), Self);
        }
        log.Information("Run {RunId}: {Workers} workers, {TotalSteps} steps ({StepsPerEpoch} per epoch, {Epochs} epochs), resuming at step {Step}",
            run.Folder.RunId, WorldSize, run.Plan.TotalSteps, run.Plan.StepsPerEpoch, run.Plan.Epochs, globalStep);
        return Task.CompletedTask;
    }

    protected override Task OnReceive(object message)
    {
        switch (message)
        {
            case TrainProgress progress:
                OnProgress(progress);
                break;
            case WorkerReady or SegmentDone or EvaluationDone or WeightsLoaded:
                if (message is WorkerReady ready) run.Observer.OnWorkerUp(ready.Rank);
                OnWorkerReply(message);
                break;
            case CheckpointSnapshotted snapshotted:
                OnCheckpointSnapshotted(snapshotted);
                break;
            case CheckpointsSettled:
                OnCheckpointsSettled();
                break;
            case CheckpointCommitted committed:
                OnCheckpointCommitted(committed.Checkpoint);
                break;
            case RunCompleted done:
                finished = true;
                completion.TrySetResult(done.Outcome);
                Context.Stop(Self);
                break;
            case WorkerFailed failed:
                run.Observer.OnWorkerFailed(failed.Rank, failed.Error);
                Fail($"worker {failed.Rank} failed in {failed.Request}: {failed.Error}");
                break;
            case BackgroundFailed failed:
                Fail($"{failed.Work} failed: {failed.Error}");
                break;
            case Terminated terminated when !finished:
                run.Observer.OnWorkerFailed(workers.IndexOf(terminated.Actor), terminated.Reason ?? "stopped");
                Fail($"worker {terminated.Actor.Path} stopped: {terminated.Reason ?? "no reason given"}");
                break;
            case Terminated:
                break;
            default:
                Unhandled(message);
                break;
        }
        return Task.CompletedTask;
    }

    protected override Task PostStop()
    {
        store?.Dispose();
        completion.TrySetException(new InvalidOperationException("the coordinator stopped before the run completed"));
        return Task.CompletedTask;
    }

    // ---- collecting one reply per rank -------------------------------------------------------------

    private void OnWorkerReply(object message)
    {
        var rank = message switch
        {
            WorkerReady r => r.Rank,
            SegmentDone s => s.Rank,
            EvaluationDone e => e.Rank,
            WeightsLoaded w => w.Rank,
            _ => throw new ArgumentOutOfRangeException(nameof(message)),
        };
        replies[rank] = message;
        var expected = message is WeightsLoaded ? 1 : WorldSize;
        if (replies.Count < expected) return;
        var all = replies.OrderBy(r => r.Key).Select(r => r.Value).ToList();
        replies.Clear();
        switch (all[0])
        {
            case WorkerReady:
                StartNextSegment();
                break;
            case SegmentDone:
                OnSegmentDone(all.Cast<SegmentDone>().ToList());
                break;
            case EvaluationDone:
                OnEvaluationDone((EvaluationDone)all[0]);
                break;
            case WeightsLoaded:
                SaveFinalModel();
                break;
        }
    }

    // ---- training ------------------------------------------------------------------------------------

    private void StartNextSegment()
    {
        var plan = run.Plan;
        if (globalStep >= plan.TotalSteps)
        {
            Finish();
            return;
        }
        var epoch = plan.EpochOf((int)globalStep);
        var first = (int)(globalStep - (long)epoch * plan.StepsPerEpoch);
        var end = Math.Min(plan.StepsInEpoch(epoch), first + StepsToNextBoundary());
        var shards = TrainShards(epoch);
        if (first == 0)
        {
            var padding = Collator.PaddingFraction(TrainLengths, shards.IndicesFor(0), run.Options.PerDeviceTrainBatchSize, run.Options.PadToMultipleOf);
            log.Information("Epoch {Epoch}: {PaddingFraction:P1} of rank 0's batch positions are padding", epoch + 1, padding);
        }
        for (var rank = 0; rank < WorldSize; rank++)
            workers[rank].Tell(new TrainSegment(epoch, first, end, shards.IndicesFor(rank), run.Options.LoggingSteps), Self);
    }

    /// <summary>
    /// The epoch's order split across ranks. With group_by_length, megabatches of similar lengths
    /// (Hugging Face's LengthGroupedSampler over the global batch) cut padding; rank k then takes every
    /// W-th sample, so each rank's batch still holds similar lengths.
    /// </summary>
    private DistributedShardPlan TrainShards(int epoch)
    {
        // Kept for the epoch's later segments (an epoch is split at every evaluation and save step).
        if (trainShards is { } cached && cached.Epoch == epoch) return cached.Plan;
        var seed = (ulong)run.Options.Seed;
        var plan = run.Options.GroupByLength
            ? DistributedShardPlan.FromOrder(
                LengthGroupedSampler.Order(TrainLengths, run.Options.PerDeviceTrainBatchSize * WorldSize, seed + (ulong)epoch), WorldSize)
            : DistributedShardPlan.ForEpoch(run.Plan.TrainExamples, WorldSize, seed, epoch);
        trainShards = (epoch, plan);
        return plan;
    }

    /// <summary>Steps until the next evaluation or save (the epoch end is handled by the caller).</summary>
    private int StepsToNextBoundary()
    {
        var next = int.MaxValue;
        foreach (var every in new[] { run.Options.EvalSteps, run.Options.SaveSteps })
            if (every is > 0) next = Math.Min(next, every.Value - (int)(globalStep % every.Value));
        return next;
    }

    private void OnProgress(TrainProgress progress)
    {
        logHistory.Add(new Dictionary<string, double>
        {
            ["step"] = progress.GlobalStep, ["loss"] = progress.Loss, ["learning_rate"] = progress.LearningRate,
            ["grad_norm"] = progress.GradNorm, ["epoch"] = EpochFraction(progress.GlobalStep),
        });
        log.Information("Epoch {Epoch} step {Step}: loss {Loss:F4}, learning rate {LearningRate:E2}, grad norm {GradNorm:F3}, {SamplesPerSecond:F1} samples/s",
            progress.Epoch + 1, progress.GlobalStep, progress.Loss, progress.LearningRate, progress.GradNorm, progress.SamplesPerSecond);
        run.Observer.OnProgress(progress, run.Plan.TotalSteps);
    }

    private void OnSegmentDone(IReadOnlyList<SegmentDone> done)
    {
        globalStep = done[0].GlobalStep;
        var segmentLoss = done.Average(d => d.MeanLoss);
        foreach (var d in done) rngStates[d.Rank] = d.RngState;
        var epoch = done[0].Epoch;
        var epochEnd = AtEpochEnd;
        var last = globalStep >= run.Plan.TotalSteps;
        log.Information("Epoch {Epoch} reached step {Step} ({SamplesPerSecond:F1} samples/s, mean loss {Loss:F4})",
            epoch + 1, globalStep, done[0].SamplesPerSecond, segmentLoss);

        var evaluate = last || (run.Options.EvalSteps is > 0 ? globalStep % run.Options.EvalSteps.Value == 0 || epochEnd : epochEnd);
        if (evaluate)
        {
            var shards = ValidationShards;
            for (var rank = 0; rank < WorldSize; rank++)
                workers[rank].Tell(new EvaluateShard(shards.IndicesFor(rank), shards.RealCount(rank)), Self);
        }
        else
        {
            SaveOrContinue();
        }
    }

    private DistributedShardPlan ValidationShards =>
        field ??= DistributedShardPlan.ForEpoch(run.Prepared.Validation.Length, WorldSize, (ulong)run.Options.Seed, 0, shuffle: false);

    /// <summary>The 0-based epoch of the last completed step.</summary>
    private int CompletedEpoch => run.Plan.EpochOf((int)Math.Max(0, globalStep - 1));

    /// <summary>Whether the last completed step was its epoch's last (max_steps may cut the last epoch short).</summary>
    private bool AtEpochEnd => globalStep == (long)CompletedEpoch * run.Plan.StepsPerEpoch + run.Plan.StepsInEpoch(CompletedEpoch);

    private double EpochFraction(long step) => (double)step / run.Plan.StepsPerEpoch;

    private void OnEvaluationDone(EvaluationDone rankZero)
    {
        var scores = EvaluationScorer.Score(rankZero.Gathered, ValidationShards, run.Prepared.Task, run.Prepared.Labels, run.Options.Strict, rankZero.Loss);
        var epoch = CompletedEpoch;
        var record = new StateEvaluation(EpochFraction(globalStep), globalStep, scores.Metrics);
        evaluations.Add(record);
        logHistory.Add(new Dictionary<string, double>(scores.Metrics.Select(m => KeyValuePair.Create("eval_" + m.Key, m.Value)))
        {
            ["step"] = globalStep, ["epoch"] = record.Epoch,
        });
        log.Information("Evaluation at epoch {Epoch} step {Step} on {Examples} examples: {@Metrics}", epoch + 1, globalStep, scores.Examples, scores.Metrics);
        run.Observer.OnEvaluation(epoch + 1, globalStep, scores.Metrics, scores.Entities);
        lastPerType = scores.Entities?.PerType.Select(t => new ConsoleView.TypeScores(t.Key, t.Value.Precision, t.Value.Recall, t.Value.F1, t.Value.Number)).ToList() ?? [];
        // The per-type scores are in no trainer state: this event is where `orchestrator report` finds them.
        if (lastPerType.Count > 0)
            log.Information("Scores per entity type at epoch {Epoch} step {Step}: {@EntityScores}", epoch + 1, globalStep, lastPerType);
        SaveOrContinue();
    }

    // ---- checkpoints and pushes ------------------------------------------------------------------------

    private void SaveOrContinue()
    {
        var epoch = CompletedEpoch;
        var epochEnd = AtEpochEnd;
        var saveBySteps = run.Options.SaveSteps is > 0 && globalStep % run.Options.SaveSteps.Value == 0;
        if (!epochEnd && !saveBySteps && globalStep < run.Plan.TotalSteps)
        {
            StartNextSegment();
            return;
        }
        var name = epochEnd ? CheckpointName.ForEpoch(epoch + 1) : CheckpointName.ForStep(globalStep);
        UpdateBest(name);
        pendingCheckpoint = (name, CurrentState(epoch, epochEnd));
        workers[0].Tell(new SnapshotCheckpoint(globalStep), Self);
    }

    /// <summary>
    /// Rank 0 has copied this step's state: its files are written in the background, one checkpoint after
    /// another (so `latest` only ever moves forward), while the next segment trains.
    /// </summary>
    private void OnCheckpointSnapshotted(CheckpointSnapshotted snapshotted)
    {
        var (name, state) = pendingCheckpoint ?? throw new InvalidOperationException("a snapshot nobody asked for");
        pendingCheckpoint = null;
        var writer = new CheckpointWriter(run.Checkpoints.Directory, log);
        var rankZero = workers[0];
        var tokenizerSource = run.Prepared.ModelDirectory;
        var self = Self;
        checkpointWrites = checkpointWrites
            .ContinueWith(_ => writer.WriteAsync(name, state, async (folder, _) =>
            {
                var reply = await rankZero.Ask<object>(new WriteCheckpointFiles(snapshotted.Step, folder, tokenizerSource), TimeSpan.FromMinutes(30));
                if (reply is WorkerFailed failed) throw new InvalidOperationException(failed.Error);
            }), TaskScheduler.Default)
            .Unwrap()
            .ContinueWith(t =>
            {
                self.Tell(t.IsCompletedSuccessfully
                    ? new CheckpointCommitted(t.Result)
                    : new BackgroundFailed($"checkpoint {name}", t.Exception?.GetBaseException().Message ?? "cancelled"));
            }, TaskScheduler.Default);
        StartNextSegment();
    }

    private void UpdateBest(string checkpointName)
    {
        var metricName = run.Options.ResolvedMetricForBestModel();
        var latest = evaluations.LastOrDefault(e => e.Step == globalStep);
        if (latest is null || !latest.Metrics.TryGetValue(metricName, out var value)) return;
        var greater = run.Options.ResolvedGreaterIsBetter();
        if (bestMetric is null || (greater ? value > bestMetric : value < bestMetric))
        {
            bestMetric = value;
            bestCheckpoint = checkpointName;
        }
    }

    private TrainerState CurrentState(int epoch, bool epochEnd) => new()
    {
        Epoch = EpochFraction(globalStep),
        GlobalStep = globalStep,
        EpochIndex = epochEnd ? epoch + 1 : epoch,
        StepsInEpoch = epochEnd ? 0 : globalStep - (long)epoch * run.Plan.StepsPerEpoch,
        StepsPerEpoch = run.Plan.StepsPerEpoch,
        WorldSize = WorldSize,
        Seed = run.Options.Seed,
        RngStates = rngStates.Select((s, rank) => new RankRngState(rank, "dropout", s ?? [])).ToList(),
        LogHistory = logHistory.ToList(),
        MetricHistory = evaluations.ToList(),
        BestMetric = bestMetric,
        BestModelCheckpoint = bestCheckpoint,
        RunConfigHash = run.Folder.Manifest.ConfigurationHash,
    };

    private void OnCheckpointCommitted(CheckpointInfo checkpoint)
    {
        run.Observer.OnCheckpointCommitted(checkpoint.Name, checkpoint.State.GlobalStep);
        run.Pusher.Enqueue(new PushRequest(checkpoint.FullPath, checkpoint.Name) { Card = Card() });
        if (run.Options.SaveTotalLimit is > 0)
        {
            var inFlight = run.Pusher.InFlightCheckpoint;
            var policy = new RetentionPolicy(run.Options.SaveTotalLimit.Value, run.Options.ResolvedMetricForBestModel(), run.Options.ResolvedGreaterIsBetter());
            run.Checkpoints.ApplyRetention(policy, inFlight is null ? [] : [Path.GetFileName(inFlight)]);
        }
    }

    // ---- the end of the run ----------------------------------------------------------------------------

    /// <summary>The end: once every checkpoint being written is committed, load the best and save the final model.</summary>
    private void Finish() =>
        checkpointWrites.ContinueWith(_ => new CheckpointsSettled(), TaskScheduler.Default).PipeTo(Self);

    private void OnCheckpointsSettled()
    {
        if (run.Options.LoadBestModelAtEnd && bestCheckpoint is not null)
        {
            log.Information("Loading the best checkpoint {Checkpoint} ({Metric} {Value:F4})", bestCheckpoint, run.Options.ResolvedMetricForBestModel(), bestMetric);
            workers[0].Tell(new LoadWeights(Path.Combine(run.Checkpoints.Directory, bestCheckpoint)), Self);
            return;
        }
        SaveFinalModel();
    }

    private void SaveFinalModel()
    {
        var target = run.FinalModelDirectory;
        var temp = Path.Combine(run.Folder.Directory, $"{RunContext.UnfinishedModelPrefix}{Guid.NewGuid():N}");
        var rankZero = workers[0];
        var tokenizerSource = run.Prepared.ModelDirectory;
        Task.Run(async () =>
            {
                Directory.CreateDirectory(temp);
                var reply = await rankZero.Ask<object>(
                    new WriteCheckpointFiles(SnapshotStep: null, temp, tokenizerSource, IncludeOptimizer: false), TimeSpan.FromMinutes(30));
                if (reply is WorkerFailed failed) throw new InvalidOperationException(failed.Error);
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                Directory.Move(temp, target);
                run.Pusher.Enqueue(new PushRequest(target, "final model", IsFinal: true) { Card = Card() });
                var summary = await run.Pusher.CompleteAsync();
                log.Information("Pushes: {Pushed} pushed, {Coalesced} coalesced, {Failed} failed", summary.Pushed, summary.Coalesced, summary.Failed);
                return (object)new RunCompleted(new RunOutcome(run.Folder.Directory, globalStep, evaluations.ToList(), target, bestCheckpoint, summary.Failed));
            })
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : new BackgroundFailed("final save", t.Exception?.GetBaseException().Message ?? "cancelled"))
            .PipeTo(Self);
    }

    private ModelCardInput Card() => new(Path.GetFileName(run.Folder.Directory), run.Options)
    {
        BaseModel = Path.GetFileName(Path.TrimEndingDirectorySeparator(run.Prepared.ModelDirectory)),
        DatasetName = run.Options.DataPath is { } data ? Path.GetFileName(Path.TrimEndingDirectorySeparator(data)) : null,
        Evaluations = evaluations.Select((e, i) => new CardEvaluation(e.Epoch, (int)e.Step, TrainingLossSince(i == 0 ? 0 : evaluations[i - 1].Step, e.Step), e.Metrics)).ToList(),
        FinalPerType = lastPerType,
        TrainingLoss = logHistory.Where(h => h.ContainsKey("loss")).Select(h => new LossPoint((int)h["step"], h["epoch"], h["loss"])).ToList(),
        WorldSize = WorldSize,
        TotalSteps = run.Plan.TotalSteps,
    };

    /// <summary>Mean of the training losses logged in (from, to]: the card's "Training Loss" column ("No log" when none).</summary>
    private double? TrainingLossSince(long from, long to)
    {
        var losses = logHistory.Where(h => h.ContainsKey("loss") && h["step"] > from && h["step"] <= to).Select(h => h["loss"]).ToList();
        return losses.Count == 0 ? null : losses.Average();
    }

    private void Fail(string reason)
    {
        if (finished) return;
        finished = true;
        log.Error("Run failed: {Reason}", reason);
        completion.TrySetException(new RunFailedException(reason));
        Context.Stop(Self);
    }
}

/// <summary>The run stopped on an error after it started; the last committed checkpoint is intact.</summary>
public sealed class RunFailedException(string message) : Exception(message);
