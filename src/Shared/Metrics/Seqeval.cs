namespace Orchestrator.Shared.Metrics;

/// <summary>
/// seqeval's classification report and accuracy, as Hugging Face evaluate's "seqeval" metric returns them
/// (chakki-works/seqeval metrics/sequence_labeling.py and metrics/v1.py; huggingface/evaluate metrics/seqeval).
/// Entities are compared as exact (type, start, end) sets; micro averages sum true positives, predicted and
/// true counts over types; a zero denominator gives 0 (evaluate's <c>zero_division</c> default).
/// </summary>
public static class Seqeval
{
    /// <summary>Scores tag-name sequences, one list per sentence.</summary>
    public static SeqevalResult Compute(
        IReadOnlyList<IReadOnlyList<string>> predictions,
        IReadOnlyList<IReadOnlyList<string>> references,
        SeqevalMode mode = SeqevalMode.Default)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(references);
        if (predictions.Count != references.Count)
            throw new ArgumentException(
                $"predictions has {predictions.Count} sentences but references has {references.Count}.");
        for (int s = 0; s < references.Count; s++)
        {
            if (predictions[s].Count != references[s].Count)
                throw new ArgumentException(
                    $"Sentence {s}: prediction has {predictions[s].Count} tags but reference has {references[s].Count}.");
        }

        var trueEntities = Extract(references, mode);
        var predEntities = Extract(predictions, mode);

        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in trueEntities) types.Add(e.Type);
        foreach (var e in predEntities) types.Add(e.Type);

        var perType = new Dictionary<string, EntityTypeScore>(StringComparer.Ordinal);
        long tpSum = 0, predSum = 0, trueSum = 0;
        foreach (var type in types)
        {
            var t = trueEntities.Where(e => e.Type == type).ToHashSet();
            var p = predEntities.Where(e => e.Type == type).ToHashSet();
            int tp = p.Count(t.Contains);
            perType[type] = Score(tp, p.Count, t.Count);
            tpSum += tp;
            predSum += p.Count;
            trueSum += t.Count;
        }
        var overall = Score(tpSum, predSum, trueSum);
        return new SeqevalResult(perType, overall.Precision, overall.Recall, overall.F1, Accuracy(predictions, references));
    }

    /// <summary>
    /// Scores label ids the way the Hugging Face course's <c>compute_metrics</c> does: positions whose label
    /// is -100 (special tokens, padding, later sub-tokens) are dropped from both sides, then ids become names.
    /// </summary>
    public static SeqevalResult ComputeFromIds(
        IReadOnlyList<IReadOnlyList<int>> predictions,
        IReadOnlyList<IReadOnlyList<int>> labels,
        IReadOnlyDictionary<int, string> id2label,
        SeqevalMode mode = SeqevalMode.Default,
        int ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(id2label);
        if (predictions.Count != labels.Count)
            throw new ArgumentException($"predictions has {predictions.Count} rows but labels has {labels.Count}.");
        var truePredictions = new List<IReadOnlyList<string>>(labels.Count);
        var trueLabels = new List<IReadOnlyList<string>>(labels.Count);
        for (int row = 0; row < labels.Count; row++)
        {
            var pred = predictions[row];
            var gold = labels[row];
            if (pred.Count != gold.Count)
                throw new ArgumentException($"Row {row}: {pred.Count} predictions but {gold.Count} labels.");
            var p = new List<string>();
            var g = new List<string>();
            for (int i = 0; i < gold.Count; i++)
            {
                if (gold[i] == ignoreIndex) continue;
                g.Add(Name(id2label, gold[i], row, i, "label"));
                p.Add(Name(id2label, pred[i], row, i, "prediction"));
            }
            truePredictions.Add(p);
            trueLabels.Add(g);
        }
        return Compute(truePredictions, trueLabels, mode);
    }

    /// <summary>Token accuracy over every position of every sentence, O included (seqeval accuracy_score).</summary>
    public static double Accuracy(IReadOnlyList<IReadOnlyList<string>> predictions, IReadOnlyList<IReadOnlyList<string>> references)
    {
        long correct = 0, total = 0;
        for (int s = 0; s < references.Count; s++)
        {
            for (int i = 0; i < references[s].Count; i++)
            {
                total++;
                if (string.Equals(references[s][i], predictions[s][i], StringComparison.Ordinal)) correct++;
            }
        }
        return total == 0 ? 0.0 : (double)correct / total;
    }

    private static IReadOnlyList<EntitySpan> Extract(IReadOnlyList<IReadOnlyList<string>> sentences, SeqevalMode mode) =>
        mode switch
        {
            SeqevalMode.Default => EntityExtractor.GetEntities(sentences),
            SeqevalMode.StrictIob2 => EntityExtractor.GetEntitiesStrictIob2(sentences),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown seqeval mode."),
        };

    // Same operations, in the same order, as seqeval's _precision_recall_fscore_support with beta = 1,
    // so results agree bit for bit.
    internal static EntityTypeScore Score(long tp, long predicted, long actual)
    {
        double precision = predicted == 0 ? 0.0 : (double)tp / predicted;
        double recall = actual == 0 ? 0.0 : (double)tp / actual;
        double denominator = precision + recall;
        double f1 = denominator == 0.0 ? 0.0 : 2.0 * precision * recall / denominator;
        return new EntityTypeScore(precision, recall, f1, checked((int)actual));
    }

    private static string Name(IReadOnlyDictionary<int, string> id2label, int id, int row, int position, string what) =>
        id2label.TryGetValue(id, out var name)
            ? name
            : throw new ArgumentException($"Row {row}, position {position}: {what} id {id} is not in id2label.");
}
