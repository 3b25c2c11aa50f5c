using Orchestrator.Shared.Data;
using Orchestrator.Shared.Metrics;
using Orchestrator.Shared.Text;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Training;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// Turns gathered predictions into metrics: drops the rows the distributed sampler repeated (so every
/// validation example counts exactly once, unlike a plain gather), restores dataset order, and scores
/// with seqeval (token tasks, -100 positions ignored), accuracy/F1 (classification), or, for sequence to sequence
/// with generated answers, SQuAD's exact match and token F1 (percentages, as the squad metric reports them).
/// </summary>
public static class EvaluationScorer
{
    public sealed record Scores(Dictionary<string, double> Metrics, SeqevalResult? Entities, int Examples);

    /// <param name="labels">The classifier's labels; null for sequence to sequence.</param>
    /// <param name="answers">Sequence to sequence with generated answers: the tokenizer that decodes them and the targets
    /// (skip_special_tokens); null when only the loss is reported.</param>
    public static Scores Score(GatheredPredictions gathered, DistributedShardPlan plan, ModelTask task, LabelSet? labels, bool strict, double loss,
        ITokenizer? answers = null)
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
        if (task == ModelTask.Seq2Seq)
        {
            if (answers is not null)
            {
                static IEnumerable<int> Ids(long[] row) => row.Where(id => id != LabelAligner.IgnoreIndex).Select(id => (int)id);
                var squad = SquadMetrics.Compute(
                    rows.Values.Select(r => answers.Decode(Ids(r.Predictions))).ToList(),
                    rows.Values.Select(r => answers.Decode(Ids(r.Labels))).ToList());
                metrics["exact_match"] = squad.ExactMatch;
                metrics["f1"] = squad.F1;
            }
            return new Scores(metrics, null, rows.Count);
        }
        if (labels is null) throw new ArgumentNullException(nameof(labels), $"{task} is scored against labels");
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
