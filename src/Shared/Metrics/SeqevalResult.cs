namespace Orchestrator.Shared.Metrics;

/// <summary>Scores of one entity type; <see cref="Number"/> is the count of true entities (support).</summary>
public sealed record EntityTypeScore(double Precision, double Recall, double F1, int Number);

/// <summary>
/// The result of <see cref="Seqeval.Compute"/>, shaped like Hugging Face evaluate's seqeval output.
/// Per-type entries are sorted by type name (ordinal, as Python sorts) and include types that only the
/// predictions contain (with <c>number</c> 0).
/// </summary>
public sealed record SeqevalResult(
    IReadOnlyDictionary<string, EntityTypeScore> PerType,
    double OverallPrecision,
    double OverallRecall,
    double OverallF1,
    double OverallAccuracy)
{
    /// <summary>evaluate's dictionary: <c>{TYPE: {precision, recall, f1, number}, overall_precision, ...}</c>.</summary>
    public Dictionary<string, object> ToDictionary()
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (type, score) in PerType)
        {
            result[type] = new Dictionary<string, object>
            {
                ["precision"] = score.Precision,
                ["recall"] = score.Recall,
                ["f1"] = score.F1,
                ["number"] = score.Number,
            };
        }
        result["overall_precision"] = OverallPrecision;
        result["overall_recall"] = OverallRecall;
        result["overall_f1"] = OverallF1;
        result["overall_accuracy"] = OverallAccuracy;
        return result;
    }
}
