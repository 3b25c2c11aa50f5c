using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Synthetic;

namespace Orchestrator.Shared.Tests.Data;

public class DatasetEncoderTests
{
    private static readonly LabelSet Conll = new(NerCorpusGenerator.Labels);

    [Fact]
    public void Course_sentence_encodes_to_the_course_labels()
    {
        var words = "EU rejects German call to boycott British lamb .".Split(' ');
        var tags = new[] { "B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "O" };
        var example = new TokenExample(words, tags, new SourceLocation("course", 1));

        var encoded = new DatasetEncoder(new FakeTokenizer()).EncodeTokens(example, 7, new LabelAligner(Conll));

        Assert.Equal(new int?[] { null, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, null }, encoded.WordIds);
        Assert.Equal(new[] { -100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100 }, encoded.Labels);
        Assert.Equal(FakeTokenizer.IdOf("la"), encoded.InputIds[8]);
        Assert.Equal(7, encoded.ExampleIndex);
        Assert.Equal(0, encoded.LostWords);
    }

    [Fact]
    public void Truncated_words_are_counted()
    {
        var example = new TokenExample("a b c d e f".Split(' '), Enumerable.Repeat("O", 6).ToArray(), new SourceLocation("f", 1));

        var encoded = new DatasetEncoder(new FakeTokenizer(), maxLength: 5).EncodeTokens(example, 0, new LabelAligner(Conll));

        Assert.Equal(5, encoded.Length);
        Assert.Equal(3, encoded.LostWords);
    }

    [Fact]
    public void Parallel_encoding_keeps_input_order()
    {
        var sentences = NerCorpusGenerator.Generate(400, seed: 11)
            .Select((s, i) => new TokenExample(s.Words, s.Ner, new SourceLocation("g", i + 1))).ToList();
        var encoder = new DatasetEncoder(new FakeTokenizer());
        var aligner = new LabelAligner(Conll);

        var encoded = encoder.EncodeTokens(sentences, aligner);

        Assert.Equal(Enumerable.Range(0, 400), encoded.Select(e => e.ExampleIndex));
        for (int i = 0; i < sentences.Count; i++)
            Assert.Equal(encoder.EncodeTokens(sentences[i], i, aligner).InputIds, encoded[i].InputIds);
    }

    [Fact]
    public void Unknown_tag_fails_with_the_examples_file_and_line()
    {
        var examples = new[]
        {
            new TokenExample(new[] { "a" }, new[] { "O" }, new SourceLocation("x.conll", 1)),
            new TokenExample(new[] { "a", "b" }, new[] { "O", "B-FOOD" }, new SourceLocation("x.conll", 3)),
        };

        var error = Assert.Throws<DataFormatException>(() => new DatasetEncoder(new FakeTokenizer()).EncodeTokens(examples, new LabelAligner(Conll)));

        Assert.Equal(("x.conll", 3, "word 2 tag"), (error.File, error.Line, error.Field));
    }

    [Fact]
    public void Classification_pairs_get_segment_ids_and_one_label()
    {
        var labels = new LabelSet(new[] { "0", "1" });
        var example = new ClassificationExample("one two", "three", "1", new SourceLocation("p.tsv", 2));

        var encoded = new DatasetEncoder(new FakeTokenizer()).EncodeClassification(new[] { example }, labels).Single();

        Assert.Equal(new[] { 0, 0, 0, 0, 1, 1 }, encoded.TokenTypeIds);
        Assert.Equal(new[] { 1 }, encoded.Labels);
    }

    [Fact]
    public void Stats_count_truncation_per_task()
    {
        var encoder = new DatasetEncoder(new FakeTokenizer(), maxLength: 5);
        var aligner = new LabelAligner(Conll);
        var tokens = encoder.EncodeTokens(new[]
        {
            new TokenExample("a b c".Split(' '), new[] { "O", "O", "O" }, new SourceLocation("f", 1)),
            new TokenExample("a b c d".Split(' '), new[] { "O", "O", "O", "O" }, new SourceLocation("f", 3)),
        }, aligner);
        var labels = new LabelSet(new[] { "0", "1" });
        var classes = encoder.EncodeClassification(new[]
        {
            new ClassificationExample("a b", null, "0", new SourceLocation("c", 2)),
            new ClassificationExample("a b c d", null, "1", new SourceLocation("c", 3)),
        }, labels);

        Assert.Equal(new EncodingStats(2, 10, 1, 1), encoder.Stats(tokens));
        Assert.Equal(new EncodingStats(2, 9, 1, 0), encoder.Stats(classes));
    }
}
