using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Models;
using Serilog;

namespace Orchestrator.Worker.Training;

/// <summary>
/// One worker's model replica with its optimizer and schedule: the train step (forward, loss,
/// backward, gradient sum across ranks, clip, AdamW, zero grad) and the evaluation step (argmax, pad
/// across processes, gather). Parameters and gradients live in flat buffers, so the optimizer is one
/// fused pass. The gradient sum across ranks goes through shared memory when every rank is on this machine, and
/// otherwise runs in buckets while backward is still going (DDP's overlap); see <see cref="Collectives"/>.
/// </summary>
public sealed class ModelReplica : IDisposable
{
    private readonly ReplicaSettings settings;
    private readonly Collectives collectives;
    private readonly torch.optim.FlatParameters flat;
    private readonly torch.optim.AdamW optimizer;
    private readonly torch.Generator dropoutGenerator;
    private readonly Torch.Distributed.IGradientReducer? reducer;

    public ModelReplica(ReplicaSettings settings, Collectives collectives, ILogger logger, long completedSteps = 0)
    {
        this.settings = settings;
        this.collectives = collectives;
        // Weight initialisation draws from the default generator: seeded and held for the build, every replica in
        // this process starts from the same weights (rank 0's are broadcast as well, for the others).
        Model = torch.WithSeed(settings.Seed, () => LoadModel(settings, logger));
        var groups = torch.optim.WeightDecayGroups(Model.Module.named_parameters(), settings.WeightDecay);
        flat = new torch.optim.FlatParameters(groups);
        // Before the optimizer: in shared memory the flat gradient moves into this rank's slot.
        reducer = collectives.CreateGradientReducer(flat, Model.Module.parameters().Where(p => p.requires_grad).ToList(), settings.BucketCapMb);
        optimizer = new torch.optim.AdamW(flat, settings.PeakLearningRate, (settings.AdamBeta1, settings.AdamBeta2), settings.AdamEpsilon, settings.WeightDecay);
        collectives.BroadcastFromRankZero(flat.Data);

        // Each rank draws its own dropout masks from its own stream, so the run is reproducible however
        // the replicas' threads interleave, and a checkpoint can store and restore every stream.
        dropoutGenerator = new torch.Generator((ulong)(settings.Seed + collectives.Rank));
        foreach (var (_, module) in Model.Module.named_modules())
            if (module is torch.nn.Dropout dropout) dropout.generator = dropoutGenerator;
        CompletedSteps = completedSteps;
    }

    public IReplicaModel Model { get; }

    /// <summary>from_pretrained for the run's task: T5ForConditionalGeneration for seq2seq, a BERT-family classifier otherwise.</summary>
    private static IReplicaModel LoadModel(ReplicaSettings settings, ILogger logger) => settings.Task == ModelTask.Seq2Seq
        ? Models.T5.T5Pretrained.Load(settings.ModelDirectory, logger)
        : PretrainedModels.Load(settings.ModelDirectory, settings.Task, settings.Labels, settings.IgnoreMismatchedSizes, logger);

    /// <summary>Optimizer steps taken so far in the run (the scheduler's position).</summary>
    public long CompletedSteps { get; private set; }

    public int Rank => collectives.Rank;

    /// <summary>One optimizer step over the given micro-batches (gradient accumulation).</summary>
    public StepResult TrainStep(IReadOnlyList<Batch> microBatches)
    {
        Model.Module.train();
        // The loss is a sum over labelled positions divided by the count over all ranks and
        // micro-batches, and gradients are summed across ranks: N workers with batch b then compute
        // exactly the gradient of one worker with batch N*b, even when ranks hold different numbers of
        // labelled tokens (a plain per-rank mean followed by an average would not).
        long localCount = 0;
        var samples = 0;
        foreach (var batch in microBatches)
        {
            localCount += BatchTensors.CountLabelled(batch);
            samples += batch.Size;
        }
        var globalCount = Math.Max(1.0, collectives.Sum(localCount)[0]);

        double lossSum = 0;
        for (var i = 0; i < microBatches.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            var inputs = BatchTensors.From(microBatches[i]);
            var logits = Model.Logits(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds, inputs.Labels);
            var summed = TaskLoss.Summed(settings.Task, logits, inputs.Labels);
            // The last micro-batch's backward makes the gradients final: their sum across ranks starts as they arrive.
            if (i == microBatches.Count - 1) reducer?.Arm();
            summed.div(globalCount).backward();
            lossSum += summed.item<float>();
        }

        reducer?.Finish();  // a world of one has no reducer: nothing to sum
        // The reported loss is the global one (Trainer gathers and averages it across processes): rank
        // 0's own mean would differ from the loss one worker with the whole batch reports.
        var loss = collectives.Sum(lossSum)[0] / globalCount;
        // As the Trainer: max_grad_norm 0 means no clipping (torch's clip_grad_norm_(0) would zero every gradient).
        var gradNorm = settings.MaxGradNorm > 0 ? flat.clip_grad_norm_(settings.MaxGradNorm) : GradientNorm();
        var learningRate = settings.Plan.LearningRate(settings.PeakLearningRate, (int)CompletedSteps);
        Array.Fill(optimizer.GroupLr, learningRate);
        optimizer.step();
        flat.zero_grad();
        CompletedSteps++;
        return new StepResult(CompletedSteps, loss, learningRate, gradNorm, samples);
    }

    private double GradientNorm()
    {
        using var scope = torch.NewDisposeScope();
        return flat.Grad.norm().item<float>();
    }

    /// <summary>Predicts this rank's evaluation shard and gathers every rank's rows (see <see cref="ShardEvaluator"/>).</summary>
    public ShardEvaluation Evaluate(IReadOnlyList<Batch> batches, int realCount) =>
        ShardEvaluator.Evaluate(Model, collectives, batches, realCount, settings.Generation);

    /// <summary>Copies the weights and optimizer state of this step (cheap next to writing them).</summary>
    public CheckpointSnapshot TakeSnapshot()
    {
        using var scope = torch.NewDisposeScope();
        var optimizerState = optimizer.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.DetachFromDisposeScope());
        return new CheckpointSnapshot(Model.Snapshot(), optimizerState);
    }

    public void LoadOptimizer(string path)
    {
        using var scope = torch.NewDisposeScope();
        using var file = SafetensorsFile.Open(path);
        optimizer.load_state_dict(file.ReadAll());
    }

    /// <summary>Replaces the weights with those of a saved model folder (load_best_model_at_end).</summary>
    public void LoadWeights(string folder)
    {
        using var scope = torch.NewDisposeScope();
        var state = CheckpointTensors.Load(folder);
        Model.Module.load_state_dict(state, strict: true);
    }

    public byte[] GetRngState() => dropoutGenerator.get_state();

    public void SetRngState(byte[] state) => dropoutGenerator.set_state(state);

    public void Dispose()
    {
        reducer?.Dispose();
        optimizer.Dispose();
        flat.Dispose();
        Model.Dispose();
        dropoutGenerator.Dispose();
    }
}
