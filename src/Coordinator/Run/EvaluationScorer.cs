using Orchestrator.Shared.Data;
using Orchestrator.Shared.Metrics;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Training;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// Turns gathered predictions into metrics: drops the rows the distributed sampler repeated (so every
/// validation example counts exactly once, unlike a plain gather), restores dataset order, and scores
/// with seqeval (token tasks, -100 positions ignored) or accuracy/F1 (classification).
/// </summary>
public static class EvaluationScorer
{
    public sealed record Scores(Dictionary<string, double> Metrics, SeqevalResult? Entities, int Examples);

    public static Scores Score(GatheredPredictions gathered, DistributedShardPlan plan, ModelTask task, LabelSet labels, bool strict, double loss)
    {
        var rows = new SortedDictionary<long, (long[] Predictions, long[] Labels)>();
        for (var rank = 0; rank < gathered.WorldSize; rank++)
            for (var row = 0; row < gathered.RowsPerRank; row++)
            {
                if (plan.IsDuplicate(rank, row)) continue;
                rows[gathered.ExampleIndex(rank, row)] = (gathered.PredictionRow(rank, row).ToArray(), gathered.LabelRow(rank, row).ToArray());
            }
        if (rows.Count != plan.DatasetLength)
            throw new InvalidOperationException($"evaluation gathered {rows.Count} distinct examples, expected {plan.DatasetLength}");

        var metrics = new Dictionary<string, double> { ["loss"] = loss };
        if (task == ModelTask.SequenceClassification)
        {
            var result = ClassificationMetrics.Compute(
                rows.Values.Select(r => (int)r.Predictions[0]).ToList(), rows.Values.Select(r => (int)r.Labels[0]).ToList(), labels.Count);
            foreach (var (name, value) in result.ToDictionary()) metrics[name] = Convert.ToDouble(value);
            return new Scores(metrics, null, rows.Count);
        }

        var id2label = Enumerable.Range(0, labels.Count).ToDictionary(i => i, i => labels[i]);
        var entities = Seqeval.ComputeFromIds(
            rows.Values.Select(r => (IReadOnlyList<int>)r.Predictions.Select(p => (int)p).ToList()).ToList(),
            rows.Values.Select(r => (IReadOnlyList<int>)r.Labels.Select(l => (int)l).ToList()).ToList(),
            id2label, strict ? SeqevalMode.StrictIob2 : SeqevalMode.Default);
        metrics["precision"] = entities.OverallPrecision;
        metrics["recall"] = entities.OverallRecall;
        metrics["f1"] = entities.OverallF1;
        metrics["accuracy"] = entities.OverallAccuracy;
        return new Scores(metrics, entities, rows.Count);
    }
}
