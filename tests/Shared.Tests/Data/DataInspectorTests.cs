using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Synthetic;

namespace Orchestrator.Shared.Tests.Data;

public class DataInspectorTests
{
    [Fact]
    public void Token_inspection_prints_words_over_tags_and_sub_tokens_over_aligned_labels()
    {
        using var folder = new TempFolder();
        folder.Write("labels.txt", string.Join("\n", NerCorpusGenerator.Labels));
        folder.Write("train.conll", "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\ncall NN I-NP O\nto TO B-VP O\n" +
            "boycott VB I-VP O\nBritish JJ B-NP B-MISC\nlamb NN I-NP O\n. . O O\n\nTamsin NNP B-NP B-PER\nQuillane NNP I-NP I-PER\n");
        var output = new StringWriter();

        var stats = DataInspector.Inspect(TaskDataset.Open(folder.Path, new DataOptions()), new FakeTokenizer(), Split.Train,
            limit: 2, firstSubtokenOnly: false, maxLength: 512, output);

        var text = output.ToString();
        Assert.Contains("EU    rejects German call to boycott British lamb .", text);
        Assert.Contains("B-ORG O       B-MISC O    O  O       B-MISC  O    O", text);
        Assert.Contains("[CLS] EU    rejects German call to boycott British la ##mb . [SEP]", text);
        Assert.Contains("Tamsin Qu    ##ill ##ane", text);
        Assert.Contains("B-PER  I-PER I-PER I-PER", text);
        Assert.Equal((2, 11L, 18L), (stats.Examples, stats.Words, stats.Tokens));
        Assert.Equal(6L, stats.LabelCounts["O"]);
        Assert.Equal(12, stats.MaxLength);
        Assert.Contains("sentences: 2, words: 11, tokens: 18", text);
    }

    [Fact]
    public void Truncation_is_reported()
    {
        using var folder = new TempFolder();
        folder.Write("train.conll", "a x x O\nb x x O\nc x x O\nd x x B-LOC\n");

        var stats = DataInspector.Inspect(TaskDataset.Open(folder.Path, new DataOptions()), new FakeTokenizer(), Split.Train,
            limit: 1, firstSubtokenOnly: true, maxLength: 4, new StringWriter());

        Assert.Equal((1, 2), (stats.TruncatedExamples, stats.LostWords));
    }

    [Fact]
    public void Classification_inspection_counts_labels_and_lengths()
    {
        using var folder = new TempFolder();
        folder.Write("train.tsv", ParaphraseGenerator.ToTsv(ParaphraseGenerator.Generate(20, 1, 1)));
        var output = new StringWriter();

        var stats = DataInspector.Inspect(TaskDataset.Open(folder.Path, new DataOptions { Task = DataTask.Classification }), new FakeTokenizer(),
            Split.Train, limit: 1, firstSubtokenOnly: false, maxLength: 512, output);

        Assert.Equal(20, stats.Examples);
        Assert.Equal(20, stats.LabelCounts.Values.Sum());
        Assert.True(stats.LengthPercentiles[50] <= stats.LengthPercentiles[90]);
        Assert.Contains("pair: ", output.ToString());
    }
}
