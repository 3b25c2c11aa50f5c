namespace Orchestrator.Coordinator.ConsoleView;

/// <summary>Scores of one entity type (seqeval's per-type row).</summary>
public sealed record TypeScores(string Type, double Precision, double Recall, double F1, long Support);

/// <summary>
/// One evaluation, in plain values so the console and the model card do not depend on the metrics code:
/// <see cref="Overall"/> holds plain metric names (precision, recall, f1, accuracy, loss...),
/// <see cref="PerType"/> is empty for classification.
/// </summary>
public sealed record EvaluationReport(
    IReadOnlyDictionary<string, double> Overall,
    IReadOnlyList<TypeScores> PerType)
{
    public int? Epoch { get; init; }

    public int? Step { get; init; }

    /// <summary>Known metrics in the order people expect them, then any others alphabetically.</summary>
    public IEnumerable<KeyValuePair<string, double>> OrderedOverall()
    {
        string[] known = ["loss", "precision", "recall", "f1", "accuracy"];
        return Overall
            .OrderBy(kv => Array.IndexOf(known, kv.Key) is var i && i >= 0 ? i : known.Length)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal);
    }
}
