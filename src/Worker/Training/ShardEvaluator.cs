using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Worker.Generation;
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
    /// A row's prediction is the argmax label per token (token classification) or per sequence; for a
    /// sequence-to-sequence model it is the generated answer when <paramref name="generation"/> is given
    /// (Seq2SeqTrainer's predict_with_generate), and nothing otherwise (the loss alone is reported).
    /// </summary>
    public static ShardEvaluation Evaluate(IReplicaModel model, Collectives collectives, IReadOnlyList<Batch> batches, int realCount,
        GenerationOptions? generation = null)
    {
        model.Module.eval();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var predictions = new List<long[]>();
            var labels = new List<long[]>();
            var indices = new List<long>();
            double lossSum = 0, lossCount = 0;
            using (torch.no_grad())
            {
                foreach (var batch in batches)
                {
                    using var scope = torch.NewDisposeScope();
                    var inputs = BatchTensors.From(batch);
                    var logits = model.Logits(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds, inputs.Labels);
                    var labelWidth = batch.Labels.Length / batch.Size;
                    var predicted = Predict(model, batch, inputs, logits, generation);
                    var firstRow = indices.Count;
                    for (var i = 0; i < batch.Size; i++)
                    {
                        indices.Add(batch.ExampleIndices[i]);
                        predictions.Add(predicted[i]);
                        labels.Add(batch.Labels.AsSpan(i * labelWidth, labelWidth).ToArray());
                    }
                    var (lossLabels, lossTargets) = (batch.Labels, inputs.Labels);
                    if (indices.Count > realCount)
                    {
                        // Only a shard's last batches hold the sampler's repeats: their rows are masked out of the loss.
                        var firstRepeat = Math.Max(0, realCount - firstRow);
                        lossLabels = (long[])batch.Labels.Clone();
                        Array.Fill(lossLabels, LabelAligner.IgnoreIndex, firstRepeat * labelWidth, (batch.Size - firstRepeat) * labelWidth);
                        lossTargets = torch.tensor(lossLabels, inputs.Labels.shape);
                    }
                    lossSum += TaskLoss.Summed(model.Task, logits, lossTargets).item<float>();
                    lossCount += BatchTensors.CountLabelled(lossLabels);
                }
            }

            var predicting = watch.Elapsed;
            using var factsScope = torch.NewDisposeScope();
            var rowLength = predictions.Concat(labels).Select(r => r.Length).DefaultIfEmpty(0).Max();
            var facts = collectives.AllGather(torch.tensor(new[] { lossSum, lossCount, rowLength })).Select(t => t.data<double>()).ToArray();
            var loss = facts.Sum(f => f[0]) / Math.Max(1.0, facts.Sum(f => f[1]));
            var longest = (int)facts.Max(f => f[2]);
            var waited = watch.Elapsed;
            var gathered = Gather(collectives, longest, predictions, labels, indices);
            return new ShardEvaluation(gathered, loss, predicting, waited - predicting, watch.Elapsed - waited);
        }
        finally
        {
            model.Module.train();
        }
    }

    /// <summary>
    /// Runs an evaluation's two collectives once, at group formation (every rank, in the same order), on dummy rows
    /// of about the size of this run's evaluation shard. The first evaluation otherwise pays one-time costs in its
    /// gather: JIT of this code, and the first allocation and transfer of buffers that size (13-15 ms on the
    /// default run, against 1 ms afterwards; a warm-up on one small row left it at 13 ms, one of this size at 5 ms).
    /// </summary>
    public static void WarmUp(Collectives collectives, int rows, int longest)
    {
        using var scope = torch.NewDisposeScope();
        collectives.AllGather(torch.tensor(new[] { 0.0, 0.0, 0.0 }));
        rows = Math.Max(1, rows);
        var empty = Enumerable.Repeat(Array.Empty<long>(), rows).ToList();
        Gather(collectives, longest, empty, empty, Enumerable.Repeat(-1L, rows).ToList());
    }

    /// <summary>Each row's prediction: argmax labels, or generated token ids (without the decoder start token and trailing padding).</summary>
    private static long[][] Predict(IReplicaModel model, Batch batch, BatchTensors inputs, torch.Tensor logits, GenerationOptions? generation)
    {
        if (model.Task != ModelTask.Seq2Seq)
        {
            var predicted = logits.argmax(-1).data<long>();
            var width = predicted.Length / batch.Size;
            return Enumerable.Range(0, batch.Size).Select(i => predicted.AsSpan(i * width, width).ToArray()).ToArray();
        }
        if (generation is null || model is not IEncoderDecoderModel generator)
            return Enumerable.Range(0, batch.Size).Select(_ => Array.Empty<long>()).ToArray();
        var result = Seq2SeqGenerator.Generate(generator, inputs.InputIds, inputs.AttentionMask, generation);
        return result.Sequences.Select(sequence => GeneratedIds(sequence, generator.PadTokenId)).ToArray();
    }

    // generate pads finished rows with the pad id; the gather pads with -100, so the padding goes.
    private static long[] GeneratedIds(long[] sequence, long padTokenId)
    {
        var end = sequence.Length;
        while (end > 1 && sequence[end - 1] == padTokenId) end--;
        return sequence[1..end];
    }

    // One collective for all rows, each row being [prediction | labels | example index] at the common length, -100
    // where a row is shorter (the loss sums and row lengths came in the collective before).
    private static GatheredPredictions Gather(Collectives collectives, int longest, List<long[]> predictions, List<long[]> labels, List<long> indices)
    {
        using var scope = torch.NewDisposeScope();
        var rows = indices.Count;
        var width = 2 * longest + 1;
        var local = new long[rows * width];
        Array.Fill(local, LabelAligner.IgnoreIndex);
        for (var r = 0; r < rows; r++)
        {
            predictions[r].CopyTo(local, r * width);
            labels[r].CopyTo(local, r * width + longest);
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
