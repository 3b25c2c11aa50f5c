using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Data;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Training;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// The gather-for-metrics contract: rows the distributed sampler repeated are dropped (accelerate issue 125
/// counted them), dataset order is restored, and the metrics equal those of one process.
/// </summary>
public sealed class EvaluationScorerTests
{
    private static readonly LabelSet Labels = new(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]);

    // Five sentences of three tokens (label rows), and predictions that get some of them wrong.
    private static readonly long[][] Gold = [[1, 2, 0], [0, 3, 4], [1, 0, 0], [3, 0, -100], [0, 0, 1]];
    private static readonly long[][] Predicted = [[1, 2, 0], [0, 3, 0], [1, 0, 0], [0, 0, -100], [0, 0, 1]];

    [Fact]
    public void Two_ranks_over_an_odd_set_score_exactly_like_one_rank()
    {
        var single = DistributedShardPlan.ForEpoch(5, 1, 42, 0, shuffle: false);
        var singleScores = EvaluationScorer.Score(Gather(single, duplicatePrediction: null), single, ModelTask.TokenClassification, Labels, strict: false, loss: 0.5);

        var two = DistributedShardPlan.ForEpoch(5, 2, 42, 0, shuffle: false);
        Assert.Equal(1, two.SamplesPerRank * 2 - 5); // rank 1's last row repeats example 0
        // The repeat carries a wrong prediction: counting it, or letting it replace the original row, would change every metric.
        var twoScores = EvaluationScorer.Score(Gather(two, duplicatePrediction: [0, 0, 0]), two, ModelTask.TokenClassification, Labels, strict: false, loss: 0.5);

        Assert.Equal(5, twoScores.Examples);
        Assert.Equal(singleScores.Metrics, twoScores.Metrics);
        Assert.Equal(singleScores.Entities!.ToDictionary().Keys, twoScores.Entities!.ToDictionary().Keys);
        // 14 labelled tokens, 12 right; 5 true entities, 4 predicted, 3 of them right.
        Assert.Equal(12.0 / 14, twoScores.Metrics["accuracy"], 12);
        Assert.Equal(3.0 / 5, twoScores.Metrics["recall"], 12);
        Assert.Equal(3.0 / 4, twoScores.Metrics["precision"], 12);
    }

    [Fact]
    public void Generated_answers_are_decoded_and_scored_by_squad_once_per_example()
    {
        var tokenizer = Orchestrator.Shared.Text.T5Tokenizer.Load(DefaultRun.BundledT5Tokenizer);
        long[] Ids(string text) => tokenizer.Encode(text).InputIds.Select(i => (long)i).ToArray();
        string[] gold = ["Tirel", "brass lantern", "1995", "the potter", "Caspar Fairclough"];
        // Right, half right (token F1 2/3), right, right after SQuAD's normalisation (no article), wrong.
        string[] answers = ["Tirel", "brass", "1995", "potter", "Emeric"];
        const int width = 8;
        long[] Row(long[] ids) => [.. ids, .. Enumerable.Repeat(-100L, width - ids.Length)];

        var two = DistributedShardPlan.ForEpoch(5, 2, 42, 0, shuffle: false);
        var predictions = new List<long>();
        var labels = new List<long>();
        var indices = new List<long>();
        for (var rank = 0; rank < 2; rank++)
            for (var row = 0; row < two.SamplesPerRank; row++)
            {
                var example = two.IndicesFor(rank)[row];
                // The repeated row carries a wrong answer: counting it would lower exact match to 3/6.
                predictions.AddRange(Row(Ids(two.IsDuplicate(rank, row) ? "nobody" : answers[example])));
                labels.AddRange(Row(Ids(gold[example])));
                indices.Add(example);
            }
        var gathered = new GatheredPredictions(2, two.SamplesPerRank, width, predictions.ToArray(), labels.ToArray(), indices.ToArray());

        var scores = EvaluationScorer.Score(gathered, two, ModelTask.Seq2Seq, labels: null, strict: false, loss: 1.25, answers: tokenizer);
        Assert.Equal(5, scores.Examples);
        Assert.Equal(1.25, scores.Metrics["loss"]);
        Assert.Equal(100.0 * 3 / 5, scores.Metrics["exact_match"], 10);
        Assert.Equal(100.0 * (1 + 2.0 / 3 + 1 + 1 + 0) / 5, scores.Metrics["f1"], 10);

        // Without generated answers (no predict_with_generate) only the loss is reported.
        var lossOnly = EvaluationScorer.Score(gathered, two, ModelTask.Seq2Seq, labels: null, strict: false, loss: 1.25);
        Assert.Equal(["loss"], lossOnly.Metrics.Keys);
    }

    /// <summary>Rows as the workers gather them: rank-major, each rank's shard in order, the repeat included.</summary>
    private static GatheredPredictions Gather(DistributedShardPlan plan, long[]? duplicatePrediction)
    {
        var predictions = new List<long>();
        var labels = new List<long>();
        var indices = new List<long>();
        for (var rank = 0; rank < plan.WorldSize; rank++)
        {
            var shard = plan.IndicesFor(rank);
            for (var row = 0; row < shard.Length; row++)
            {
                var example = shard[row];
                predictions.AddRange(plan.IsDuplicate(rank, row) && duplicatePrediction is not null ? duplicatePrediction : Predicted[example]);
                labels.AddRange(Gold[example]);
                indices.Add(example);
            }
        }
        return new GatheredPredictions(plan.WorldSize, plan.SamplesPerRank, 3, predictions.ToArray(), labels.ToArray(), indices.ToArray());
    }
}
