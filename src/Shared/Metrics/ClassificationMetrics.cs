namespace Orchestrator.Shared.Metrics;

/// <summary>Accuracy, precision, recall and F1 for sequence classification.</summary>
/// <param name="Average">"binary" (positive label 1) or "macro".</param>
public sealed record ClassificationResult(double Accuracy, double Precision, double Recall, double F1, string Average)
{
    public Dictionary<string, object> ToDictionary() => new()
    {
        ["accuracy"] = Accuracy,
        ["precision"] = Precision,
        ["recall"] = Recall,
        ["f1"] = F1,
    };
}

/// <summary>
/// scikit-learn's accuracy_score and precision/recall/f1 (what evaluate's "accuracy" and "f1" metrics call):
/// with two labels the binary scores of label 1 (GLUE MRPC style), otherwise the unweighted mean over every
/// label present in either the predictions or the references (sklearn's macro average). Zero division gives 0.
/// </summary>
public static class ClassificationMetrics
{
    public static ClassificationResult Compute(IReadOnlyList<int> predictions, IReadOnlyList<int> references, int numLabels)
    {
        if (predictions.Count != references.Count)
            throw new ArgumentException($"predictions has {predictions.Count} items but references has {references.Count}.");
        if (numLabels < 2)
            throw new ArgumentOutOfRangeException(nameof(numLabels), numLabels, "A classifier needs at least two labels.");

        int correct = 0;
        for (int i = 0; i < references.Count; i++) if (predictions[i] == references[i]) correct++;
        double accuracy = references.Count == 0 ? 0.0 : (double)correct / references.Count;

        if (numLabels == 2)
        {
            var s = PerLabel(predictions, references, positive: 1);
            return new ClassificationResult(accuracy, s.Precision, s.Recall, s.F1, "binary");
        }

        var labels = new SortedSet<int>(references.Concat(predictions));
        double p = 0, r = 0, f = 0;
        foreach (var label in labels)
        {
            var s = PerLabel(predictions, references, label);
            p += s.Precision;
            r += s.Recall;
            f += s.F1;
        }
        int n = labels.Count;
        return n == 0
            ? new ClassificationResult(accuracy, 0, 0, 0, "macro")
            : new ClassificationResult(accuracy, p / n, r / n, f / n, "macro");
    }

    private static EntityTypeScore PerLabel(IReadOnlyList<int> predictions, IReadOnlyList<int> references, int positive)
    {
        int tp = 0, predicted = 0, actual = 0;
        for (int i = 0; i < references.Count; i++)
        {
            bool p = predictions[i] == positive, t = references[i] == positive;
            if (p) predicted++;
            if (t) actual++;
            if (p && t) tp++;
        }
        return Seqeval.Score(tp, predicted, actual);
    }
}
