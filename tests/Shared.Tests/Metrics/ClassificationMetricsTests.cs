using Orchestrator.Shared.Metrics;

namespace Orchestrator.Shared.Tests.Metrics;

public class ClassificationMetricsTests
{
    [Fact]
    public void BinaryScoresPositiveLabelOne()
    {
        // gold 1 1 1 0 0, pred 1 0 1 1 0: tp 2, predicted 3, actual 3.
        var r = ClassificationMetrics.Compute(new[] { 1, 0, 1, 1, 0 }, new[] { 1, 1, 1, 0, 0 }, numLabels: 2);
        Assert.Equal("binary", r.Average);
        Assert.Equal(0.6, r.Accuracy, 12);
        Assert.Equal(2.0 / 3.0, r.Precision, 12);
        Assert.Equal(2.0 / 3.0, r.Recall, 12);
        Assert.Equal(2.0 / 3.0, r.F1, 12);
    }

    [Fact]
    public void MacroAveragesOverLabelsSeenInEitherSide()
    {
        // pred 0 1 1 0, gold 0 0 1 2; label 3 never occurs and is not averaged:
        //   0: tp1 pred2 act2 -> p.5 r.5 f.5 ; 1: tp1 pred2 act1 -> p.5 r1 f.6667 ; 2: tp0 pred0 act1 -> 0 0 0
        var m = ClassificationMetrics.Compute(new[] { 0, 1, 1, 0 }, new[] { 0, 0, 1, 2 }, numLabels: 4);
        Assert.Equal("macro", m.Average);
        Assert.Equal(0.5, m.Accuracy, 12);
        Assert.Equal((0.5 + 0.5 + 0.0) / 3, m.Precision, 12);
        Assert.Equal((0.5 + 1.0 + 0.0) / 3, m.Recall, 12);
        Assert.Equal((0.5 + 2.0 / 3 + 0.0) / 3, m.F1, 12);
    }

    [Fact]
    public void NoPositivePredictionsGiveZeroNotNaN()
    {
        var r = ClassificationMetrics.Compute(new[] { 0, 0 }, new[] { 1, 0 }, 2);
        Assert.Equal(0.0, r.Precision);
        Assert.Equal(0.0, r.F1);
        Assert.Equal(0.5, r.Accuracy);
    }
}
