using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Models;
using Serilog;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Worker.Training;

/// <summary>
/// One worker's model replica with its optimizer and schedule: the train step (forward, loss,
/// backward, gradient sum across ranks, clip, AdamW, zero grad) and the evaluation step (argmax, pad
/// across processes, gather). Parameters and gradients live in flat buffers, so the gradient sync is
/// one allreduce and the optimizer a handful of large ops.
/// </summary>
public sealed class ModelReplica : IDisposable
{
    // Weight initialisation draws from the default generator: replicas built in one process at once
    // would interleave their draws. Building under one lock, each after manual_seed, makes every replica
    // start from the same weights (rank 0's are broadcast as well, for replicas in other processes).
    private static readonly Lock ModelBuildLock = new();

    private readonly ReplicaSettings settings;
    private readonly Collectives collectives;
    private readonly torch.optim.FlatParameters flat;
    private readonly torch.optim.AdamW optimizer;
    private readonly torch.Generator dropoutGenerator;

    public ModelReplica(ReplicaSettings settings, Collectives collectives, ILogger logger, long completedSteps = 0)
    {
        this.settings = settings;
        this.collectives = collectives;
        lock (ModelBuildLock)
        {
            torch.manual_seed(settings.Seed);
            Model = PretrainedModels.Load(settings.ModelDirectory, settings.Task, settings.Labels, settings.IgnoreMismatchedSizes, logger);
        }
        var groups = torch.optim.WeightDecayGroups(Model.Module.named_parameters(), settings.WeightDecay);
        flat = new torch.optim.FlatParameters(groups);
        optimizer = new torch.optim.AdamW(flat, settings.PeakLearningRate, (settings.AdamBeta1, settings.AdamBeta2), settings.AdamEpsilon, settings.WeightDecay);
        collectives.BroadcastFromRankZero(flat.Data);

        // Each rank draws its own dropout masks from its own stream, so the run is reproducible however
        // the replicas' threads interleave, and a checkpoint can store and restore every stream.
        dropoutGenerator = new torch.Generator((ulong)(settings.Seed + collectives.Rank));
        foreach (var (_, module) in Model.Module.named_modules())
            if (module is torch.nn.Dropout dropout) dropout.generator = dropoutGenerator;
        CompletedSteps = completedSteps;
    }

    public ITaskModel Model { get; }

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
        foreach (var batch in microBatches)
        {
            using var scope = torch.NewDisposeScope();
            var inputs = BatchTensors.From(batch);
            var output = Model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
            var summed = SummedLoss(output.Logits, inputs.Labels);
            summed.div(globalCount).backward();
            lossSum += summed.item<float>();
        }

        collectives.SumInPlace(flat.Grad);
        // The reported loss is the global one (Trainer gathers and averages it across processes): rank
        // 0's own mean would differ from the loss one worker with the whole batch reports.
        var loss = collectives.Sum(lossSum)[0] / globalCount;
        var gradNorm = flat.clip_grad_norm_(settings.MaxGradNorm);
        var learningRate = settings.Plan.LearningRate(settings.PeakLearningRate, (int)CompletedSteps);
        Array.Fill(optimizer.GroupLr, learningRate);
        optimizer.step();
        flat.zero_grad();
        CompletedSteps++;
        return new StepResult(CompletedSteps, loss, learningRate, gradNorm, samples);
    }

    /// <summary>
    /// Predicts this rank's evaluation shard, then pads every rank's rows to a common length with -100
    /// and gathers them (Accelerate's pad_across_processes + gather). Every rank runs the same
    /// collectives in the same order, so no rank can wait for a collective another skipped. Rows at
    /// positions from <paramref name="realCount"/> on are the sampler's repeats: gathered (to keep
    /// shapes equal) but left out of the loss; the coordinator drops them from the metrics.
    /// </summary>
    public (GatheredPredictions Gathered, double Loss) Evaluate(IReadOnlyList<Batch> batches, int realCount)
    {
        Model.Module.eval();
        try
        {
            var rows = batches.Sum(b => b.Size);
            var rowLength = settings.Task == ModelTask.TokenClassification ? batches.Select(b => b.SequenceLength).DefaultIfEmpty(1).Max() : 1;
            var predictions = new long[rows * rowLength];
            var labels = new long[rows * rowLength];
            var indices = new long[rows];
            Array.Fill(predictions, LabelAligner.IgnoreIndex);
            Array.Fill(labels, LabelAligner.IgnoreIndex);
            double lossSum = 0, lossCount = 0;
            var row = 0;
            using (torch.no_grad())
            {
                foreach (var batch in batches)
                {
                    using var scope = torch.NewDisposeScope();
                    var inputs = BatchTensors.From(batch);
                    var logits = Model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds).Logits;
                    var predicted = logits.argmax(-1).data<long>();
                    var width = predicted.Length / batch.Size;
                    var lossLabels = (long[])batch.Labels.Clone();
                    for (var i = 0; i < batch.Size; i++, row++)
                    {
                        indices[row] = batch.ExampleIndices[i];
                        Array.Copy(predicted, i * width, predictions, row * rowLength, width);
                        Array.Copy(batch.Labels, i * width, labels, row * rowLength, width);
                        if (row >= realCount) Array.Fill(lossLabels, LabelAligner.IgnoreIndex, i * width, width);
                    }
                    var lossTargets = torch.tensor(lossLabels, inputs.Labels.shape);
                    lossSum += SummedLoss(logits, lossTargets).item<float>();
                    foreach (var label in lossLabels) if (label != LabelAligner.IgnoreIndex) lossCount++;
                }
            }

            var totals = collectives.Sum(lossSum, lossCount);
            var gathered = Gather(rows, rowLength, predictions, labels, indices);
            return (gathered, totals[0] / Math.Max(1.0, totals[1]));
        }
        finally
        {
            Model.Module.train();
        }
    }

    private GatheredPredictions Gather(int rows, int rowLength, long[] predictions, long[] labels, long[] indices)
    {
        using var scope = torch.NewDisposeScope();
        var longest = (int)collectives.AllGather(torch.tensor(new long[] { rowLength })).Max(t => t.item<long>());
        var padded = PadRows(rows, rowLength, longest, predictions);
        var paddedLabels = PadRows(rows, rowLength, longest, labels);
        long[] Gathered(long[] local, long[] shape) =>
            collectives.AllGather(torch.tensor(local, shape)).SelectMany(t => t.data<long>()).ToArray();
        return new GatheredPredictions(
            collectives.WorldSize, rows, longest,
            Gathered(padded, [rows, longest]),
            Gathered(paddedLabels, [rows, longest]),
            Gathered(indices, [rows]));
    }

    private static long[] PadRows(int rows, int from, int to, long[] values)
    {
        if (from == to) return values;
        var result = new long[rows * to];
        Array.Fill(result, LabelAligner.IgnoreIndex);
        for (var r = 0; r < rows; r++) Array.Copy(values, r * from, result, r * to, from);
        return result;
    }

    /// <summary>The task loss summed over labelled positions (-100 ignored); regression for one label.</summary>
    private torch.Tensor SummedLoss(torch.Tensor logits, torch.Tensor labels)
    {
        var classes = logits.shape[^1];
        if (settings.Task == ModelTask.SequenceClassification && classes == 1)
            return F.mse_loss(logits.view(-1), labels.to(ScalarType.Float32).view(-1), torch.nn.Reduction.Sum);
        return F.cross_entropy(logits.view(-1, classes), labels.view(-1), ignore_index: LabelAligner.IgnoreIndex, reduction: torch.nn.Reduction.Sum);
    }

    /// <summary>save_pretrained into <paramref name="folder"/>: config, weights, tokenizer files.</summary>
    public void SaveModel(string folder, string tokenizerSource) => PretrainedModels.Save(Model, folder, tokenizerSource);

    public void SaveOptimizer(string path)
    {
        using var scope = torch.NewDisposeScope();
        SafetensorsWriter.Write(path, optimizer.state_dict(), SafetensorsWriter.DefaultMetadata);
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
        optimizer.Dispose();
        flat.Dispose();
        Model.Dispose();
        dropoutGenerator.Dispose();
    }
}
