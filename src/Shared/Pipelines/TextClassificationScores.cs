namespace Orchestrator.Shared.Pipelines;

/// <summary>What turns a sequence classifier's logits into scores (the pipeline's function_to_apply).</summary>
public enum ClassificationFunction
{
    Softmax,
    Sigmoid,
    None,
}

/// <summary>A label and its score.</summary>
public sealed record LabelScore(string Label, float Score);

/// <summary>Hugging Face's TextClassificationPipeline postprocessing: scores from logits and the top labels.</summary>
public static class TextClassificationScores
{
    /// <summary>
    /// The default function_to_apply: none for regression; sigmoid for multi-label models or a single label;
    /// softmax otherwise.
    /// </summary>
    public static ClassificationFunction DefaultFunction(string? problemType, int numLabels) => problemType switch
    {
        "regression" => ClassificationFunction.None,
        "multi_label_classification" => ClassificationFunction.Sigmoid,
        _ when numLabels == 1 => ClassificationFunction.Sigmoid,
        _ => ClassificationFunction.Softmax,
    };

    public static float[] Apply(ClassificationFunction function, float[] logits) => function switch
    {
        ClassificationFunction.Softmax => NumpyFloat32.Softmax(logits),
        ClassificationFunction.Sigmoid => NumpyFloat32.Sigmoid(logits),
        _ => (float[])logits.Clone(),
    };

    /// <summary>
    /// The best label (<paramref name="topK"/> null: the pipeline's default, one object), or the
    /// <paramref name="topK"/> best labels sorted by score, highest first, ties in label order (0: every label).
    /// </summary>
    public static IReadOnlyList<LabelScore> Top(float[] scores, IReadOnlyList<string> labels, int? topK)
    {
        if (topK is null)
        {
            int best = NumpyFloat32.ArgMax(scores);
            return [new LabelScore(labels[best], scores[best])];
        }
        var sorted = scores.Select((score, i) => new LabelScore(labels[i], score)).OrderByDescending(s => s.Score);
        return (topK.Value == 0 ? sorted : sorted.Take(topK.Value)).ToList();
    }
}
