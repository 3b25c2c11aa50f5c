using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Training;

/// <summary>
/// Evaluation of one rank's shard, shared by the workers (over their process group) and by
/// `orchestrator evaluate` (one process, <see cref="Collectives.Single"/>).
/// </summary>
public static class ShardEvaluator
{
    /// <summary>
    /// Predicts this rank's evaluation shard, then pads every rank's rows to a common length with -100
    /// and gathers them (Accelerate's pad_across_processes + gather). Every rank runs the same
    /// collectives in the same order, so no rank can wait for a collective another skipped. Rows at
    /// positions from <paramref name="realCount"/> on are the sampler's repeats: gathered (to keep
    /// shapes equal) but left out of the loss; the coordinator drops them from the metrics.
    /// </summary>
    public static (GatheredPredictions Gathered, double Loss) Evaluate(ITaskModel model, ModelTask task, Collectives collectives, IReadOnlyList<Batch> batches, int realCount)
    {
        model.Module.eval();
        try
        {
            var rows = batches.Sum(b => b.Size);
            var rowLength = task == ModelTask.TokenClassification ? batches.Select(b => b.SequenceLength).DefaultIfEmpty(1).Max() : 1;
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
                    var logits = model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds).Logits;
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
                    lossSum += TaskLoss.Summed(task, logits, lossTargets).item<float>();
                    foreach (var label in lossLabels) if (label != LabelAligner.IgnoreIndex) lossCount++;
                }
            }

            var totals = collectives.Sum(lossSum, lossCount);
            var gathered = Gather(collectives, rows, rowLength, predictions, labels, indices);
            return (gathered, totals[0] / Math.Max(1.0, totals[1]));
        }
        finally
        {
            model.Module.train();
        }
    }

    private static GatheredPredictions Gather(Collectives collectives, int rows, int rowLength, long[] predictions, long[] labels, long[] indices)
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
}
