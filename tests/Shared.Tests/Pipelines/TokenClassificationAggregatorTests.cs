using Orchestrator.Shared.Pipelines;

namespace Orchestrator.Shared.Tests.Pipelines;

/// <summary>
/// The pipeline's aggregation rules on hand-built token scores, where the expected entities follow from Hugging
/// Face's documented rules by hand: B-/I- grouping, a change of type, a stray I-, and sub-words merged into words
/// by first, average and max.
/// </summary>
public sealed class TokenClassificationAggregatorTests
{
    private static readonly string[] Labels = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "DATE"];

    // WordPiece's decoder: "##" glued, other tokens joined by a space, " ," tidied to ",".
    private static string Join(IReadOnlyList<string> tokens)
    {
        var text = "";
        for (int i = 0; i < tokens.Count; i++)
            text += i == 0 ? tokens[i] : tokens[i].StartsWith("##") ? tokens[i][2..] : " " + tokens[i];
        return text.Replace(" ,", ",");
    }

    private static readonly TokenClassificationAggregator Aggregator = new(Labels, Join);

    /// <summary>A token whose best label is <paramref name="label"/> with <paramref name="score"/>, the rest spread evenly.</summary>
    private static PreEntity Token(int index, string word, string label, float score, int start, int end, bool subword = false)
    {
        var scores = new float[Labels.Length];
        Array.Fill(scores, (1 - score) / (Labels.Length - 1));
        scores[Array.IndexOf(Labels, label)] = score;
        return new PreEntity(word, scores, start, end, index, subword);
    }

    /// <summary>Labels, words, offsets and indices exactly; scores to float32 rounding.</summary>
    private static void AssertEntities(IReadOnlyList<Entity> expected, IReadOnlyList<Entity> actual)
    {
        Assert.Equal(expected.Select(e => (e.Label, e.Word, e.Start, e.End, e.Index)), actual.Select(e => (e.Label, e.Word, e.Start, e.End, e.Index)));
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Score, actual[i].Score, 6);
    }

    [Fact]
    public void None_gives_one_entity_per_token_with_its_index_and_drops_O()
    {
        var tokens = new[] { Token(1, "john", "B-PER", 0.9f, 0, 4), Token(2, "runs", "O", 0.8f, 5, 9), Token(3, "acme", "B-ORG", 0.7f, 10, 14) };

        var entities = Aggregator.Entities(tokens, AggregationStrategy.None);

        AssertEntities([new Entity("B-PER", 0.9f, "john", 0, 4, 1), new Entity("B-ORG", 0.7f, "acme", 10, 14, 3)], entities);
    }

    [Fact]
    public void Simple_joins_B_then_I_of_one_type_and_scores_the_group_with_the_mean()
    {
        // John Smith works at Acme Corp
        var tokens = new[]
        {
            Token(1, "john", "B-PER", 0.9f, 0, 4), Token(2, "smith", "I-PER", 0.7f, 5, 10), Token(3, "works", "O", 0.99f, 11, 16),
            Token(4, "at", "O", 0.99f, 17, 19), Token(5, "acme", "B-ORG", 0.6f, 20, 24), Token(6, "corp", "I-ORG", 0.8f, 25, 29),
        };

        var entities = Aggregator.Entities(tokens, AggregationStrategy.Simple);

        AssertEntities([new Entity("PER", (0.9f + 0.7f) / 2, "john smith", 0, 10), new Entity("ORG", (0.6f + 0.8f) / 2, "acme corp", 20, 29)], entities);
    }

    [Fact]
    public void Two_B_tags_in_a_row_are_two_entities()
    {
        var tokens = new[] { Token(1, "anna", "B-PER", 0.9f, 0, 4), Token(2, "bob", "B-PER", 0.8f, 5, 8) };

        var entities = Aggregator.Entities(tokens, AggregationStrategy.Simple);

        Assert.Equal(["anna", "bob"], entities.Select(e => e.Word));
        Assert.All(entities, e => Assert.Equal("PER", e.Label));
    }

    [Fact]
    public void A_change_of_type_starts_a_new_entity_even_with_an_I_tag()
    {
        var tokens = new[] { Token(1, "acme", "B-ORG", 0.9f, 0, 4), Token(2, "smith", "I-PER", 0.8f, 5, 10) };

        var entities = Aggregator.Entities(tokens, AggregationStrategy.Simple);

        AssertEntities([new Entity("ORG", 0.9f, "acme", 0, 4), new Entity("PER", 0.8f, "smith", 5, 10)], entities);
    }

    [Fact]
    public void A_stray_I_tag_starts_an_entity_of_its_type_and_a_label_without_prefix_continues_itself()
    {
        // the [O] smith [I-PER] then [O] monday [DATE] night [DATE]
        var tokens = new[]
        {
            Token(1, "the", "O", 0.9f, 0, 3), Token(2, "smith", "I-PER", 0.6f, 4, 9), Token(3, "then", "O", 0.9f, 10, 14),
            Token(4, "monday", "DATE", 0.5f, 15, 21), Token(5, "night", "DATE", 0.7f, 22, 27),
        };

        var entities = Aggregator.Entities(tokens, AggregationStrategy.Simple);

        AssertEntities([new Entity("PER", 0.6f, "smith", 4, 9), new Entity("DATE", 0.6f, "monday night", 15, 27)], entities);
    }

    // micro ##soft: the sub-words of one word disagree (B-ORG 0.6, I-PER 0.9); then "rocks" is O.
    private static PreEntity[] Microsoft() =>
    [
        Token(1, "micro", "B-ORG", 0.6f, 0, 5), Token(2, "##soft", "I-PER", 0.9f, 5, 9, subword: true), Token(3, "rocks", "O", 0.9f, 10, 15),
    ];

    [Fact]
    public void Simple_splits_a_word_whose_sub_words_disagree()
    {
        var entities = Aggregator.Entities(Microsoft(), AggregationStrategy.Simple);

        AssertEntities([new Entity("ORG", 0.6f, "micro", 0, 5), new Entity("PER", 0.9f, "##soft", 5, 9)], entities);
    }

    [Fact]
    public void First_gives_the_whole_word_its_first_tokens_label_and_score()
    {
        var entities = Aggregator.Entities(Microsoft(), AggregationStrategy.First);

        AssertEntities([new Entity("ORG", 0.6f, "microsoft", 0, 9)], entities);
    }

    [Fact]
    public void Max_gives_the_whole_word_the_label_of_its_most_confident_token()
    {
        var entities = Aggregator.Entities(Microsoft(), AggregationStrategy.Max);

        AssertEntities([new Entity("PER", 0.9f, "microsoft", 0, 9)], entities);
    }

    [Fact]
    public void Average_gives_the_whole_word_the_label_with_the_best_mean_score()
    {
        // Means: B-ORG (0.6 + 0.02) / 2 = 0.31, I-PER (0.08 + 0.9) / 2 = 0.49, the others lower.
        var entities = Aggregator.Entities(Microsoft(), AggregationStrategy.Average);

        var entity = Assert.Single(entities);
        Assert.Equal(("PER", "microsoft", 0, 9), (entity.Label, entity.Word, entity.Start, entity.End));
        Assert.Equal((0.08f + 0.9f) / 2, entity.Score, 6);
    }

    [Fact]
    public void Words_are_grouped_into_entities_after_merging()
    {
        // new york city: "new" B-ORG, "york" (yo ##rk: I-ORG, B-PER), "city" I-ORG.
        var tokens = new[]
        {
            Token(1, "new", "B-ORG", 0.8f, 0, 3), Token(2, "yo", "I-ORG", 0.7f, 4, 6), Token(3, "##rk", "B-PER", 0.95f, 6, 8, subword: true),
            Token(4, "city", "I-ORG", 0.9f, 9, 13),
        };

        AssertEntities([new Entity("ORG", (0.8f + 0.7f + 0.9f) / 3, "new york city", 0, 13)], Aggregator.Entities(tokens, AggregationStrategy.First));
        AssertEntities([new Entity("ORG", 0.8f, "new", 0, 3), new Entity("PER", 0.95f, "york", 4, 8), new Entity("ORG", 0.9f, "city", 9, 13)], Aggregator.Entities(tokens, AggregationStrategy.Max));
    }

    [Fact]
    public void Gather_skips_special_tokens_finds_sub_words_by_length_and_counts_offsets_in_code_points()
    {
        // "😀 zürich": the emoji is two UTF-16 units but one code point; "zur" "##ich" are pieces of Zürich.
        var text = new CodePoints("😀 zürich");
        var tokens = new[]
        {
            new ChunkToken("[CLS]", true, false, 0, 0), new ChunkToken("[UNK]", false, true, 0, 2),
            new ChunkToken("zur", false, false, 3, 6), new ChunkToken("##ich", false, false, 6, 9), new ChunkToken("[SEP]", true, false, 0, 0),
        };
        var scores = tokens.Select(_ => new float[] { 1, 0, 0, 0, 0, 0 }).ToArray();

        var pre = TokenClassificationAggregator.Gather(text, tokens, scores, indexBase: 10);

        Assert.Equal(["😀", "zur", "##ich"], pre.Select(p => p.Word));
        Assert.Equal([(0, 1), (2, 5), (5, 8)], pre.Select(p => (p.Start, p.End)));
        Assert.Equal([false, false, true], pre.Select(p => p.IsSubword));
        Assert.Equal([11, 12, 13], pre.Select(p => p.Index));
    }

    [Fact]
    public void Overlapping_chunk_entities_keep_the_longer_then_the_more_confident()
    {
        var entities = new[]
        {
            new Entity("PER", 0.5f, "john", 0, 4), new Entity("PER", 0.6f, "john smith", 0, 10), // second chunk sees more
            new Entity("ORG", 0.7f, "acme", 20, 24), new Entity("ORG", 0.8f, "acme", 20, 24),     // same span: higher score
            new Entity("LOC", 0.9f, "paris", 30, 35),
        };

        var merged = TokenClassificationAggregator.MergeOverlapping(entities);

        AssertEntities([new Entity("PER", 0.6f, "john smith", 0, 10), new Entity("ORG", 0.8f, "acme", 20, 24), new Entity("LOC", 0.9f, "paris", 30, 35)], merged);
    }
}
