using Akka.Actor;
using Orchestrator.Coordinator.Checkpoints;
using Orchestrator.Coordinator.Push;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Cluster;
using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Orchestrator.Torch.Distributed;
using Orchestrator.Worker;
using Serilog;
using CardEvaluation = Orchestrator.Coordinator.Push.EvaluationRecord;
using StateEvaluation = Orchestrator.Shared.Checkpoints.EvaluationRecord;

namespace Orchestrator.Coordinator;

/// <summary>
/// Owns a run. Protocol:
/// <list type="number">
/// <item><b>Gathering</b>: workers register (from their own processes, anywhere in the cluster); each is told to
/// read and encode the data itself and answers with the data's fingerprint, which must equal ours. Once the world is
/// complete, ranks are assigned and every worker joins process group generation g over the TCPStore this actor hosts,
/// restoring the last committed checkpoint if there is one.</item>
/// <item><b>Training</b>: per segment (the steps up to the next evaluation, save or epoch end) every worker gets its
/// shard of the epoch's seeded order as indices -> when all are done, evaluate (every rank its shard, gathered on
/// rank 0) -> checkpoint: rank 0 copies the step's state, and while the next segment trains the checkpoint writer
/// commits it and the pusher publishes it. At the end: wait for the writes, load the best model if asked, save the
/// final model, push it, wait for the pusher, stop the workers and complete.</item>
/// <item><b>Recovering</b>, when a worker is lost (death watch; the cluster downs an unreachable worker within
/// seconds): the survivors abort their group so no collective waits for the dead peer, the writes in flight settle,
/// the run's state goes back to the last committed checkpoint, and the coordinator gathers workers again (the local
/// launcher starts a replacement process; in a cluster the pod restarts) for generation g+1. After
/// <c>max_failures</c> losses the run fails, its last checkpoint intact.</item>
/// </list>
/// </summary>
public sealed class CoordinatorActor : ReceiveActor, IWithTimers
{
    private readonly RunContext run;
    private readonly TaskCompletionSource<RunOutcome> completion;
    private readonly ILogger log;
    private readonly IActorRef checkpointWriter;
    private readonly IActorRef pusher;
    private readonly MessageChunks.Assembler chunks;
    private readonly Dictionary<IActorRef, WorkerMember> members = [];
    private readonly IActorRef?[] ranks;
    private readonly Dictionary<int, object> replies = [];
    private readonly byte[]?[] rngStates;
    private TcpStore? store;
    private int generation;
    private bool groupFormed;
    private int workersLost;
    private CheckpointInfo? restorePoint;
    private List<StateEvaluation> evaluations = [];
    private List<Dictionary<string, double>> logHistory = [];
    private long globalStep;
    private double? bestMetric;
    private string? bestCheckpoint;
    private (int Epoch, DistributedShardPlan Plan)? trainShards;
    private (string Name, TrainerState State)? pendingCheckpoint;
    private IReadOnlyList<ConsoleView.TypeScores> lastPerType = [];
    private bool finished;

    /// <summary>A registered worker: where it runs, and whether it has proved it holds the run's data.</summary>
    private sealed record WorkerMember(string Device, string Host, int ProcessId, bool Prepared);

    public CoordinatorActor(RunContext run, TaskCompletionSource<RunOutcome> completion)
    {
        this.run = run;
        this.completion = completion;
        log = run.Logger.ForContext("Role", "coordinator");
        ranks = new IActorRef?[run.Options.Workers];
        rngStates = new byte[]?[run.Options.Workers];
        chunks = new MessageChunks.Assembler(Context.System);
        checkpointWriter = Context.ActorOf(Props.Create(() => new CheckpointWriterActor(run.Checkpoints.Directory, log)), "checkpoint-writer");
        pusher = Context.ActorOf(Props.Create(() => new ArtifactPusherActor(run.Pusher)), "artifact-pusher");
        Context.Watch(checkpointWriter);
        Context.Watch(pusher);
        RestoreState(run.Resume);
        Gathering();
    }

    private int WorldSize => run.Options.Workers;

    public ITimerScheduler Timers { get; set; } = null!;

    // A child that throws is stopped, not restarted: its Terminated fails the run (a checkpoint writer that lost its
    // state mid-write must not silently start over).
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        if (WorldSize > 1) store = NewStore();
        Timers.StartSingleTimer("workers-join", WorkersDidNotJoin.Instance, run.WorkerJoinTimeout);
        log.Information("Run {RunId}: waiting for {Workers} workers; {TotalSteps} steps ({StepsPerEpoch} per epoch, {Epochs} epochs), resuming at step {Step}",
            run.Folder.RunId, WorldSize, run.Plan.TotalSteps, run.Plan.StepsPerEpoch, run.Plan.Epochs, globalStep);
    }

    protected override void PostStop()
    {
        store?.Dispose();
        completion.TrySetException(new RunFailedException("the coordinator stopped before the run completed"));
    }

    /// <summary>
    /// Each group generation rendezvouses in a new store. Closing the old one ends at once any rendezvous of the
    /// abandoned generation still waiting in it: a survivor waiting for the key of a peer lost before the group formed
    /// would otherwise sit out the collective timeout before it could join the next generation.
    /// </summary>
    private void RenewStore()
    {
        if (store is null) return;
        var abandoned = store;
        store = NewStore();
        abandoned.Dispose();
        log.Debug("Group generation {Generation} rendezvouses in a new store on port {Port}", generation, store.Port);
    }

    /// <summary>The c10d TCPStore the workers rendezvous in, on a free port.</summary>
    private TcpStore NewStore() => new(run.StoreHost, 0, worldSize: 0, isMaster: true, run.CollectiveTimeout);

    // ---- behaviours ----------------------------------------------------------------------------------------------

    /// <summary>Waiting for registrations and data fingerprints until the world is complete, then forming the group.</summary>
    private void Gathering()
    {
        Become(() =>
        {
            Common();
            Receive<RegisterWorker>(OnRegister);
            Receive<DataPrepared>(OnDataPrepared);
            Receive<WorkerReady>(OnWorkerReady);
            Receive<WorkerFailed>(failed =>
            {
                if (IsStale(failed)) return;
                // Forming a group of several workers can fail because a peer was lost meanwhile: that is recoverable.
                if (failed.Generation is null || WorldSize == 1) Fail($"a worker failed in {failed.Request}: {failed.Error}");
                else Suspect($"worker {failed.Rank} failed in {failed.Request}: {failed.Error}");
            });
            Receive<WorkersDidNotJoin>(_ =>
            {
                if (!groupFormed)
                    Fail($"only {members.Values.Count(m => m.Prepared)} of {WorldSize} workers joined within {run.WorkerJoinTimeout.TotalSeconds:F0} s " +
                         "(are `orchestrator worker --coordinator HOST:PORT` processes running and able to reach this coordinator?)");
            });
            Receive<Terminated>(OnTerminated);
            ReceiveAny(Ignore);
        });
    }

    private void Training()
    {
        Become(() =>
        {
            Common();
            Receive<RegisterWorker>(OnRegister);
            Receive<DataPrepared>(OnDataPrepared);
            Receive<TrainProgress>(OnProgress);
            Receive<SegmentDone>(m => Collect(m.Rank, m, WorldSize));
            Receive<EvaluationDone>(m => Collect(m.Rank, m, WorldSize));
            Receive<CheckpointSnapshotted>(OnCheckpointSnapshotted);
            Receive<CheckpointCommitted>(committed => OnCheckpointCommitted(committed.Checkpoint));
            Receive<CheckpointFailed>(failed =>
            {
                if (failed.RankZeroLost) Suspect($"checkpoint {failed.Name} could not be written: {failed.Reason}");
                else Fail($"checkpoint {failed.Name} could not be written: {failed.Reason}");
            });
            Receive<CheckpointsSettled>(_ => OnCheckpointsSettled());
            Receive<WeightsLoaded>(_ => SaveFinalModel());
            Receive<FinalModelSaved>(saved => pusher.Tell(CompletePushes.Instance));
            Receive<PushesCompleted>(OnPushesCompleted);
            Receive<WorkerFailed>(failed =>
            {
                if (!IsStale(failed)) Suspect($"worker {failed.Rank} failed in {failed.Request}: {failed.Error}");
            });
            Receive<BackgroundFailed>(failed => Fail($"{failed.Work} failed: {failed.Error}"));
            Receive<Terminated>(OnTerminated);
            ReceiveAny(Ignore);
        });
    }

    /// <summary>
    /// A worker's request failed. When a peer dies, the survivors' collectives usually fail (connection reset) before
    /// the cluster reports the loss, so with failures left the coordinator aborts the group and waits a little for a
    /// lost worker; if none is lost, the failure was the worker's own and the run fails with it.
    /// </summary>
    private void Suspect(string failure)
    {
        if (workersLost >= run.Options.MaxFailures)
        {
            Fail($"{failure} (no failures left to recover from: --max-failures {run.Options.MaxFailures} is used up)");
            return;
        }
        log.Warning("{Failure}; waiting up to {Seconds} s for a lost worker", failure, SuspicionGrace.TotalSeconds);
        foreach (var worker in ranks.OfType<IActorRef>()) worker.Tell(new AbortGroup(generation));
        Timers.StartSingleTimer("suspicion", new NoWorkerLost(failure), SuspicionGrace);
        Become(() =>
        {
            Common();
            Receive<RegisterWorker>(OnRegister);
            Receive<DataPrepared>(prepared => AdmitPrepared(prepared));
            Receive<CheckpointCommitted>(committed => OnCheckpointCommitted(committed.Checkpoint));
            Receive<CheckpointFailed>(failed => log.Warning("Checkpoint {Checkpoint} abandoned: {Reason}", failed.Name, failed.Reason));
            Receive<NoWorkerLost>(none => Fail(none.Failure));
            Receive<Terminated>(terminated =>
            {
                Timers.Cancel("suspicion");
                OnTerminated(terminated);
            });
            ReceiveAny(Ignore);
        });
    }

    /// <summary>
    /// A failure of a group generation already given up: a survivor whose rendezvous or collective of that generation
    /// failed because of the peer that was lost. The survivor takes part in the current generation; nothing to do.
    /// </summary>
    private bool IsStale(WorkerFailed failed)
    {
        if (failed.Generation is not { } failedGeneration || failedGeneration >= generation) return false;
        log.Information("Worker {Rank} failed in {Request} of superseded group generation {FailedGeneration} (now {Generation}): {Error}",
            failed.Rank, failed.Request, failedGeneration, generation, failed.Error);
        return true;
    }

    /// <summary>How long a worker's failure waits for the cluster to report a lost peer (failure detection takes ~7-10 s).</summary>
    private static readonly TimeSpan SuspicionGrace = TimeSpan.FromSeconds(20);

    /// <summary>A worker was lost: the writes in flight settle, then the state goes back to the last committed checkpoint.</summary>
    private void Recovering()
    {
        Become(() =>
        {
            Common();
            Receive<RegisterWorker>(OnRegister);
            Receive<DataPrepared>(prepared => AdmitPrepared(prepared));
            Receive<CheckpointCommitted>(committed => OnCheckpointCommitted(committed.Checkpoint));
            Receive<CheckpointFailed>(failed => log.Warning("Checkpoint {Checkpoint} abandoned: {Reason}", failed.Name, failed.Reason));
            Receive<CheckpointsSettled>(_ =>
            {
                var latest = run.Checkpoints.FindLatest();
                foreach (var damaged in latest.Skipped)
                    log.Warning("Skipping damaged checkpoint {Checkpoint}: {Reason}", damaged.Name, damaged.Reason);
                RestoreState(latest.Checkpoint);
                log.Information("Restarting from {Checkpoint} at step {Step} with process group generation {Generation}",
                    latest.Checkpoint?.Name ?? "the base model", globalStep, generation + 1);
                generation++;
                RenewStore();
                Timers.StartSingleTimer("workers-join", WorkersDidNotJoin.Instance, run.WorkerJoinTimeout);
                Gathering();
                FormGroupIfComplete();
            });
            Receive<Terminated>(OnTerminated);
            ReceiveAny(Ignore);
        });
    }

    /// <summary>Handled in every state.</summary>
    private void Common()
    {
        Receive<MessageChunk>(chunk =>
        {
            if (chunks.Add(chunk) is { } whole) Self.Forward(whole);
        });
        Receive<WorkerProcessExited>(OnWorkerProcessExited);
    }

    private void Ignore(object message) =>
        log.Debug("Ignoring {Message} from {Sender} (generation {Generation})", message.GetType().Name, Sender.Path, generation);

    // ---- gathering workers ----------------------------------------------------------------------------------------

    private void OnRegister(RegisterWorker register)
    {
        if (members.ContainsKey(Sender)) return;  // a registration retried before our answer arrived
        members[Sender] = new WorkerMember(register.Device, register.Host, register.ProcessId, Prepared: false);
        Context.Watch(Sender);
        log.Information("Worker on {Device} joined from {Host} (process {ProcessId}, {Path})", register.Device, register.Host, register.ProcessId, Sender.Path);
        var options = run.Options with
        {
            ModelPath = Path.GetFullPath(run.Prepared.ModelDirectory),
            DataPath = run.Options.DataPath is { } data ? Path.GetFullPath(data) : null,
        };
        Sender.Tell(new PrepareData(run.Folder.RunId, TrainOptionsJson.Write(options)));
    }

    private void OnDataPrepared(DataPrepared prepared)
    {
        if (AdmitPrepared(prepared)) FormGroupIfComplete();
    }

    /// <summary>
    /// Marks a worker that proved it holds the run's data as ready for a rank. While a loss is being handled (suspected,
    /// or checkpoints settling) the group is not formed: it forms once the next generation starts.
    /// </summary>
    private bool AdmitPrepared(DataPrepared prepared)
    {
        if (!members.TryGetValue(Sender, out var member)) return false;
        if (prepared.DataFingerprint != run.Prepared.DataFingerprint)
        {
            Fail($"the worker on {member.Host} (process {member.ProcessId}) encoded different data: fingerprint {prepared.DataFingerprint[..12]}, " +
                 $"the coordinator's {run.Prepared.DataFingerprint[..12]} (the same data and model folders must be visible to every node)");
            return false;
        }
        members[Sender] = member with { Prepared = true };
        run.Observer.OnWorkerJoined(member.Device, member.Host, member.ProcessId);
        return true;
    }

    /// <summary>Once enough workers hold the data: ranks for the newcomers (survivors keep theirs), then group generation g.</summary>
    private void FormGroupIfComplete()
    {
        if (groupFormed) return;  // formed, or forming
        var unranked = members.Where(m => m.Value.Prepared && !ranks.Contains(m.Key)).Select(m => m.Key).ToList();
        var open = Enumerable.Range(0, WorldSize).Where(r => ranks[r] is null).ToList();
        if (unranked.Count < open.Count) return;
        foreach (var (rank, worker) in open.Zip(unranked)) ranks[rank] = worker;
        foreach (var extra in unranked.Skip(open.Count))
        {
            extra.Tell(new StopWorker($"the run has its {WorldSize} workers"));
            members.Remove(extra);
        }
        groupFormed = true;
        for (var rank = 0; rank < WorldSize; rank++)
        {
            var member = members[ranks[rank]!];
            log.Information("Rank {Rank} of generation {Generation}: worker on {Device} in process {ProcessId} on {Host}",
                rank, generation, member.Device, member.ProcessId, member.Host);
            var restore = restorePoint is { } checkpoint
                ? new WorkerRestore(checkpoint.FullPath, checkpoint.State.GlobalStep, checkpoint.State.RngStates.FirstOrDefault(s => s.Rank == rank)?.State)
                : null;
            ranks[rank]!.Tell(new InitializeWorker(rank, WorldSize, generation, run.StoreHost, store?.Port ?? 0, run.CollectiveTimeout, restore,
                WorkersOnHost: ranks.Count(r => members[r!].Host == member.Host)));
        }
    }

    private void OnWorkerReady(WorkerReady ready)
    {
        if (ready.Generation != generation) return;
        run.Observer.OnWorkerUp(ready.Rank);
        replies[ready.Rank] = ready;
        if (replies.Count < WorldSize) return;
        replies.Clear();
        log.Information("Process group generation {Generation} formed: {Workers} workers at step {Step}", generation, WorldSize, globalStep);
        Training();
        StartNextSegment();
    }

    // ---- losing workers -------------------------------------------------------------------------------------------

    private void OnWorkerProcessExited(WorkerProcessExited exited)
    {
        // Locally the launcher sees a worker process die before failure detection does: down its member now.
        foreach (var (worker, member) in members.Where(m => m.Value.ProcessId == exited.ProcessId && m.Value.Host == run.StoreHost).ToList())
        {
            log.Warning("Worker process {ProcessId} exited with code {ExitCode}", exited.ProcessId, exited.ExitCode);
            if (!worker.Path.Address.HasLocalScope)
                Akka.Cluster.Cluster.Get(Context.System).Down(worker.Path.Address);
        }
    }

    private void OnTerminated(Terminated terminated)
    {
        var who = terminated.ActorRef;
        if (who.Equals(checkpointWriter) || who.Equals(pusher))
        {
            Fail($"the {who.Path.Name} stopped unexpectedly");
            return;
        }
        if (!members.Remove(who, out var member)) return;
        var rank = Array.IndexOf(ranks, who);
        if (rank < 0 || finished)
        {
            log.Information("Worker on {Host} (process {ProcessId}) left before it had a rank", member.Host, member.ProcessId);
            return;
        }
        workersLost++;
        log.Warning("Worker {Rank} on {Host} (process {ProcessId}) is lost ({Lost} of {MaxFailures} failures allowed)",
            rank, member.Host, member.ProcessId, workersLost, run.Options.MaxFailures);
        run.Observer.OnWorkerLost(rank, member.Host, member.ProcessId);
        run.Observer.OnWorkerFailed(rank, $"lost (process {member.ProcessId} on {member.Host})");
        if (workersLost > run.Options.MaxFailures)
        {
            Fail($"worker {rank} on {member.Host} (process {member.ProcessId}) was lost and --max-failures {run.Options.MaxFailures} is used up");
            return;
        }
        // Survivors may sit in a collective waiting for the dead rank: abort it so they are free at once. They keep
        // their ranks; a replacement takes the lost one.
        ranks[rank] = null;
        groupFormed = false;
        foreach (var survivor in ranks.OfType<IActorRef>()) survivor.Tell(new AbortGroup(generation));
        replies.Clear();
        pendingCheckpoint = null;
        chunks.Clear();
        checkpointWriter.Tell(SettleCheckpoints.Instance);
        Recovering();
    }

    /// <summary>The run's state as of a committed checkpoint (or the start of the run when there is none).</summary>
    private void RestoreState(CheckpointInfo? checkpoint)
    {
        restorePoint = checkpoint;
        var state = checkpoint?.State;
        globalStep = state?.GlobalStep ?? 0;
        evaluations = state?.MetricHistory.ToList() ?? [];
        logHistory = state?.LogHistory.ToList() ?? [];
        bestMetric = state?.BestMetric;
        bestCheckpoint = state?.BestModelCheckpoint;
        Array.Clear(rngStates);
        trainShards = null;
    }

    // ---- collecting one reply per rank ----------------------------------------------------------------------------

    private void Collect(int rank, object reply, int expected)
    {
        replies[rank] = reply;
        if (replies.Count < expected) return;
        var all = replies.OrderBy(r => r.Key).Select(r => r.Value).ToList();
        replies.Clear();
        switch (all[0])
        {
            case SegmentDone:
                OnSegmentDone(all.Cast<SegmentDone>().ToList());
                break;
            case EvaluationDone:
                OnEvaluationDone(all.Cast<EvaluationDone>().First(e => e.Rank == 0));
                break;
        }
    }

    // ---- training -------------------------------------------------------------------------------------------------

    private void StartNextSegment()
    {
        var plan = run.Plan;
        if (globalStep >= plan.TotalSteps)
        {
            checkpointWriter.Tell(SettleCheckpoints.Instance);
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
            MessageChunks.Tell(Context.System, ranks[rank]!, new TrainSegment(epoch, first, end, shards.IndicesFor(rank), run.Options.LoggingSteps), Self);
    }

    private int[] TrainLengths => field ??= run.Prepared.Train.Select(e => e.Length).ToArray();

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
                MessageChunks.Tell(Context.System, ranks[rank]!, new EvaluateShard(shards.IndicesFor(rank), shards.RealCount(rank)), Self);
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
        var scores = EvaluationScorer.Score(rankZero.Gathered, ValidationShards, run.Prepared.Task, run.Prepared.Labels, run.Options.Strict, rankZero.Loss,
            run.Prepared.Generation is null ? null : run.Prepared.Tokenizer);
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

    // ---- checkpoints and pushes -----------------------------------------------------------------------------------

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
        ranks[0]!.Tell(new SnapshotCheckpoint(globalStep));
    }

    /// <summary>Rank 0 has copied this step's state: the writer commits it in the background while the next segment trains.</summary>
    private void OnCheckpointSnapshotted(CheckpointSnapshotted snapshotted)
    {
        var (name, state) = pendingCheckpoint ?? throw new InvalidOperationException("a snapshot nobody asked for");
        pendingCheckpoint = null;
        checkpointWriter.Tell(new WriteCheckpoint(name, state, ranks[0]!, snapshotted.Step, run.Prepared.ModelDirectory));
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
        pusher.Tell(new PushArtifact(new PushRequest(checkpoint.FullPath, checkpoint.Name) { Card = Card() }));
        if (run.Options.SaveTotalLimit is > 0)
        {
            var inFlight = run.Pusher.InFlightCheckpoint;
            var policy = new RetentionPolicy(run.Options.SaveTotalLimit.Value, run.Options.ResolvedMetricForBestModel(), run.Options.ResolvedGreaterIsBetter());
            run.Checkpoints.ApplyRetention(policy, inFlight is null ? [] : [Path.GetFileName(inFlight)]);
        }
    }

    // ---- the end of the run ---------------------------------------------------------------------------------------

    /// <summary>Every checkpoint write has committed: load the best model if asked, then save the final model.</summary>
    private void OnCheckpointsSettled()
    {
        if (globalStep < run.Plan.TotalSteps) return;
        if (run.Options.LoadBestModelAtEnd && bestCheckpoint is not null)
        {
            log.Information("Loading the best checkpoint {Checkpoint} ({Metric} {Value:F4})", bestCheckpoint, run.Options.ResolvedMetricForBestModel(), bestMetric);
            ranks[0]!.Tell(new LoadWeights(Path.Combine(run.Checkpoints.Directory, bestCheckpoint)));
            return;
        }
        SaveFinalModel();
    }

    /// <summary>Rank 0 writes the weights as they are now into a temporary folder of the run folder, renamed to model/.</summary>
    private void SaveFinalModel()
    {
        var target = run.FinalModelDirectory;
        var temp = Path.Combine(run.Folder.Directory, $"{RunContext.UnfinishedModelPrefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        var card = Card();
        var pusher = this.pusher;
        ranks[0]!.Ask<object>(new WriteCheckpointFiles(SnapshotStep: null, temp, run.Prepared.ModelDirectory, IncludeOptimizer: false), TimeSpan.FromMinutes(30))
            .ContinueWith(t =>
            {
                if (!t.IsCompletedSuccessfully) return new BackgroundFailed("final save", t.Exception?.GetBaseException().Message ?? "cancelled");
                if (t.Result is WorkerFailed failed) return new BackgroundFailed("final save", failed.Error);
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                Directory.Move(temp, target);
                pusher.Tell(new PushArtifact(new PushRequest(target, "final model", IsFinal: true) { Card = card }));
                return (object)new FinalModelSaved(target);
            }, TaskScheduler.Default)
            .PipeTo(Self);
    }

    private void OnPushesCompleted(PushesCompleted done)
    {
        var summary = done.Summary;
        log.Information("Pushes: {Pushed} pushed, {Coalesced} coalesced, {Failed} failed", summary.Pushed, summary.Coalesced, summary.Failed);
        finished = true;
        StopWorkers("the run is complete");
        completion.TrySetResult(new RunOutcome(run.Folder.Directory, globalStep, evaluations.ToList(), run.FinalModelDirectory, bestCheckpoint, summary.Failed, workersLost));
        Context.Stop(Self);
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

    private void StopWorkers(string reason, bool runFailed = false)
    {
        foreach (var worker in members.Keys) worker.Tell(new StopWorker(reason, runFailed));
    }

    private void Fail(string reason)
    {
        if (finished) return;
        finished = true;
        log.Error("Run failed: {Reason}", reason);
        StopWorkers($"the run failed: {reason}", runFailed: true);
        completion.TrySetException(new RunFailedException(reason));
        Context.Stop(Self);
    }
}

/// <summary>The run stopped on an error after it started; the last committed checkpoint is intact.</summary>
public sealed class RunFailedException(string message) : Exception(message);
