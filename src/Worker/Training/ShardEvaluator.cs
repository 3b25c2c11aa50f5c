using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Training;

/// <summary>
/// One rank's evaluation: every rank's rows, the mean loss, and where the time went: predicting, waiting for the
/// slowest rank (the first, small collective), and padding and gathering the rows.
/// </summary>
public sealed record ShardEvaluation(GatheredPredictions Gathered, double Loss, TimeSpan Predicting, TimeSpan Waiting, TimeSpan Gathering)
{
    /// <summary>The share of the evaluation spent padding and gathering across processes (the brief's bar: under 5%).</summary>
    public double GatherShare => Gathering / (Predicting + Waiting + Gathering);
}

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
    public static ShardEvaluation Evaluate(ITaskModel model, ModelTask task, Collectives collectives, IReadOnlyList<Batch> batches, int realCount)
    {
        model.Module.eval();
        var watch = System.Diagnostics.Stopwatch.StartNew();
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
                    var firstRow = row;
                    for (var i = 0; i < batch.Size; i++, row++)
                    {
                        indices[row] = batch.ExampleIndices[i];
                        Array.Copy(predicted, i * width, predictions, row * rowLength, width);
                        Array.Copy(batch.Labels, i * width, labels, row * rowLength, width);
                    }
                    var (lossLabels, lossTargets) = (batch.Labels, inputs.Labels);
                    if (row > realCount)
                    {
                        // Only a shard's last batches hold the sampler's repeats: their rows are masked out of the loss.
                        var firstRepeat = Math.Max(0, realCount - firstRow);
                        lossLabels = (long[])batch.Labels.Clone();
                        Array.Fill(lossLabels, LabelAligner.IgnoreIndex, firstRepeat * width, (batch.Size - firstRepeat) * width);
                        lossTargets = torch.tensor(lossLabels, inputs.Labels.shape);
                    }
                    lossSum += TaskLoss.Summed(task, logits, lossTargets).item<float>();
                    lossCount += BatchTensors.CountLabelled(lossLabels);
                }
            }

            var predicting = watch.Elapsed;
            using var factsScope = torch.NewDisposeScope();
            var facts = collectives.AllGather(torch.tensor(new[] { lossSum, lossCount, rowLength })).Select(t => t.data<double>()).ToArray();
            var loss = facts.Sum(f => f[0]) / Math.Max(1.0, facts.Sum(f => f[1]));
            var longest = (int)facts.Max(f => f[2]);
            var waited = watch.Elapsed;
            var gathered = Gather(collectives, rows, rowLength, longest, predictions, labels, indices);
            return new ShardEvaluation(gathered, loss, predicting, waited - predicting, watch.Elapsed - waited);
        }
        finally
        {
            model.Module.train();
        }
    }

    // One collective for all rows, each row being [predictions | labels | example index] at the common length
    // (the loss sums and row lengths came in the collective before).
    private static GatheredPredictions Gather(Collectives collectives, int rows, int rowLength, int longest,
        long[] predictions, long[] labels, long[] indices)
    {
        using var scope = torch.NewDisposeScope();
        var width = 2 * longest + 1;
        var local = new long[rows * width];
        Array.Fill(local, LabelAligner.IgnoreIndex);
        for (var r = 0; r < rows; r++)
        {
            Array.Copy(predictions, r * rowLength, local, r * width, rowLength);
            Array.Copy(labels, r * rowLength, local, r * width + longest, rowLength);
            local[r * width + 2 * longest] = indices[r];
        }
        var all = collectives.AllGather(torch.tensor(local, [rows, width])).SelectMany(t => t.data<long>()).ToArray();

        var total = all.Length / width;
        var gatheredPredictions = new long[total * longest];
        var gatheredLabels = new long[total * longest];
        var gatheredIndices = new long[total];
        for (var r = 0; r < total; r++)
        {
            Array.Copy(all, r * width, gatheredPredictions, r * longest, longest);
            Array.Copy(all, r * width + longest, gatheredLabels, r * longest, longest);
            gatheredIndices[r] = all[r * width + 2 * longest];
        }
        return new GatheredPredictions(collectives.WorldSize, rows, longest, gatheredPredictions, gatheredLabels, gatheredIndices);
    }
}
