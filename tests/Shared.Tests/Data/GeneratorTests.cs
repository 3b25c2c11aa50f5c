using System.Security.Cryptography;
using System.Text;
using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;
using Orchestrator.Shared.Data.Synthetic;

namespace Orchestrator.Shared.Tests.Data;

public class GeneratorTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    private static string Hash(IEnumerable<KeyValuePair<string, string>> files) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => f.Key + "\0" + f.Value + "\0")))));

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_another_seed_does_not()
    {
        Assert.Equal(Hash(DefaultDataGenerator.Render(42)), Hash(DefaultDataGenerator.Render(42)));
        Assert.NotEqual(Hash(DefaultDataGenerator.Render(42)), Hash(DefaultDataGenerator.Render(43)));
    }

    [Fact]
    public void Committed_data_equals_a_fresh_generation()
    {
        var data = Path.Combine(RepositoryRoot(), "data");
        foreach (var (relative, text) in DefaultDataGenerator.Render())
        {
            var path = Path.Combine(data, relative);
            Assert.True(File.Exists(path), $"{path} is missing: run `orchestrator data generate --output data`");
            Assert.True(text == File.ReadAllText(path, new UTF8Encoding(false)), $"{path} differs from a fresh generation: run `orchestrator data generate --output data`");
        }
    }

    [Fact]
    public void Generated_splits_read_back_with_the_expected_sizes_and_labels()
    {
        using var folder = new TempFolder();
        DefaultDataGenerator.Write(folder.Path);

        var ner = TaskDataset.Open(Path.Combine(folder.Path, "ner"), new DataOptions { Task = DataTask.Ner });
        var paraphrase = TaskDataset.Open(Path.Combine(folder.Path, "paraphrase"), new DataOptions { Task = DataTask.Classification });
        var sentiment = TaskDataset.Open(Path.Combine(folder.Path, "sentiment"), new DataOptions { Task = DataTask.Classification });

        Assert.Equal(NerCorpusGenerator.Labels, ner.Labels.Names);
        Assert.Equal(new[] { 2000, 300, 300 }, new[] { Split.Train, Split.Validation, Split.Test }.Select(s => ner.ReadTokens(s).Count()));
        Assert.Equal(new[] { 1000, 200, 200 }, new[] { Split.Train, Split.Validation, Split.Test }.Select(s => paraphrase.ReadClassification(s).Count()));
        Assert.Equal(new[] { 1000, 200, 200 }, new[] { Split.Train, Split.Validation, Split.Test }.Select(s => sentiment.ReadClassification(s).Count()));
        var pos = TaskDataset.Open(Path.Combine(folder.Path, "ner", "train.conll"), new DataOptions { Task = DataTask.Pos, LabelsFile = null });
        Assert.Contains("NNP", pos.Labels.Names);
    }

    [Fact]
    public void Ner_corpus_is_varied_balanced_and_valid_iob2()
    {
        var sentences = NerCorpusGenerator.Generate(2000, seed: 1);
        var tags = sentences.SelectMany(s => s.Ner).ToList();

        foreach (var type in new[] { "PER", "ORG", "LOC", "MISC" })
            Assert.True(tags.Count(t => t == "B-" + type) > 300, $"{type} too rare: {tags.Count(t => t == "B-" + type)}");
        var distinct = sentences.Select(s => string.Join(' ', s.Words)).Distinct().Count();
        Assert.True(distinct > 1800, $"only {distinct} distinct sentences");
        foreach (var s in sentences)
            for (int i = 0; i < s.Ner.Length; i++)
                if (s.Ner[i].StartsWith("I-"))
                    Assert.EndsWith(s.Ner[i][2..], s.Ner[i - 1]);
    }

    [Fact]
    public void Paraphrase_and_sentiment_labels_are_balanced()
    {
        var pairs = ParaphraseGenerator.Generate(1000, seed: 1, firstId: 1);
        var reviews = SentimentGenerator.Generate(1000, seed: 1);

        Assert.InRange(pairs.Count(p => p.Quality == 1), 480, 620);
        Assert.All(pairs.Where(p => p.Quality == 0), p => Assert.NotEqual(p.Sentence1, p.Sentence2));
        Assert.InRange(reviews.Count(r => r.Label == 1), 430, 570);
    }

    [Fact]
    public void Committed_vocabulary_spells_every_word_of_the_default_data()
    {
        using var folder = new TempFolder();
        DefaultDataGenerator.Write(folder.Path);
        var lines = File.ReadAllLines(Path.Combine(folder.Path, "vocab.txt"));
        var vocab = lines.ToHashSet();
        var files = CorpusText.Files(new[] { "ner", "paraphrase", "sentiment" }.Select(d => Path.Combine(folder.Path, d))).ToList();
        var rebuilt = new VocabularyBuilder();

        Assert.Equal(VocabularyBuilder.SpecialTokens, lines.Take(5));
        Assert.Equal(9, files.Count);
        foreach (var file in files)
            foreach (var text in CorpusText.Texts(file))
            {
                rebuilt.AddText(text);
                foreach (var word in VocabularyBuilder.PreTokenize(text))
                    Assert.True(vocab.Contains(word) || GreedySpells(word, vocab), $"'{word}' from {file} cannot be spelled");
            }
        // What `orchestrator vocab build` makes from the files is what the generator committed.
        Assert.Equal(lines, rebuilt.Build(DefaultDataGenerator.VocabularySize));
    }

    private static bool GreedySpells(string word, HashSet<string> vocab)
    {
        int start = 0;
        var runes = word.EnumerateRunes().Select(r => r.ToString()).ToArray();
        while (start < runes.Length)
        {
            int end = runes.Length;
            while (end > start && !vocab.Contains((start > 0 ? "##" : "") + string.Concat(runes[start..end])))
                end--;
            if (end == start)
                return false;
            start = end;
        }
        return true;
    }
}
