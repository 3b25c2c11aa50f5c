using Orchestrator.Shared.Pipelines;

namespace Orchestrator.Shared.Tests.Pipelines;

public sealed class PipelineMathTests
{
    [Fact]
    public void Windows_overlap_by_the_stride_and_the_last_reaches_the_end()
    {
        Assert.Equal([(0, 10)], TokenWindows.Split(10, 38, 19));
        // 60 tokens, windows of 38 moving by 38 - 19 = 19: [0,38) [19,57) [38,60).
        Assert.Equal([(0, 38), (19, 57), (38, 60)], TokenWindows.Split(60, 38, 19));
        Assert.Equal([(0, 4), (4, 8), (8, 9)], TokenWindows.Split(9, 4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenWindows.Split(60, 38, 38));
    }

    [Fact]
    public void Code_points_count_an_emoji_once()
    {
        var text = new CodePoints("a😀b");

        Assert.Equal(3, text.Length);
        Assert.Equal(1, text.At(1));
        Assert.Equal(2, text.At(3));
        Assert.Equal(3, text.At(4));
        Assert.Equal(1, CodePoints.Count("😀"));
    }

    [Fact]
    public void Softmax_sums_to_one_and_keeps_the_order()
    {
        var scores = NumpyFloat32.Softmax([1f, 3f, 2f]);

        Assert.Equal(1f, scores.Sum(), 6);
        Assert.Equal(1, NumpyFloat32.ArgMax(scores));
        Assert.Equal(MathF.Exp(0) / (MathF.Exp(-2) + 1 + MathF.Exp(-1)), scores[1], 6);
    }

    [Fact]
    public void The_pairwise_sum_adds_eight_running_sums_as_numpy_does()
    {
        // 16 values: r[k] = v[k] + v[k + 8], then ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)).
        var values = Enumerable.Range(0, 16).Select(i => 1f + i * 1e-7f).ToArray();
        var r = Enumerable.Range(0, 8).Select(k => values[k] + values[k + 8]).ToArray();
        float expected = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));

        Assert.Equal(expected, NumpyFloat32.Sum(values));
    }

    [Fact]
    public void One_label_and_multi_label_models_use_sigmoid_others_softmax()
    {
        Assert.Equal(ClassificationFunction.Sigmoid, TextClassificationScores.DefaultFunction(null, 1));
        Assert.Equal(ClassificationFunction.Sigmoid, TextClassificationScores.DefaultFunction("multi_label_classification", 3));
        Assert.Equal(ClassificationFunction.Softmax, TextClassificationScores.DefaultFunction(null, 3));
        Assert.Equal(ClassificationFunction.Softmax, TextClassificationScores.DefaultFunction("single_label_classification", 2));
        Assert.Equal(ClassificationFunction.None, TextClassificationScores.DefaultFunction("regression", 1));
    }

    [Fact]
    public void Top_k_sorts_by_score_and_keeps_label_order_on_ties()
    {
        string[] labels = ["a", "b", "c"];
        float[] scores = [0.25f, 0.5f, 0.25f];

        Assert.Equal([new LabelScore("b", 0.5f)], TextClassificationScores.Top(scores, labels, null));
        Assert.Equal(["b", "a"], TextClassificationScores.Top(scores, labels, 2).Select(l => l.Label));
        Assert.Equal(["b", "a", "c"], TextClassificationScores.Top(scores, labels, 0).Select(l => l.Label));
    }
}
