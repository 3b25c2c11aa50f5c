using System.CommandLine;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Shared.Data.Synthetic;
using Orchestrator.Shared.Text;

namespace Orchestrator.Coordinator.Tests.Cli;

public class DataCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orc-cli-" + Guid.NewGuid().ToString("N"));

    public DataCommandTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Whitespace tokenizer standing in for WordPiece; records the path it was loaded from.</summary>
    private sealed class SpaceTokenizer : ITokenizer
    {
        public int VocabSize => 100;
        public int PadTokenId => 0;
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) => throw new NotSupportedException();

        public Encoding EncodeWords(IReadOnlyList<string> words, int? maxLength = null)
        {
            int kept = Math.Min(words.Count, (maxLength ?? int.MaxValue) - 2);
            var tokens = new[] { "[CLS]" }.Concat(words.Take(kept)).Append("[SEP]").ToArray();
            var wordIds = new int?[] { null }.Concat(Enumerable.Range(0, kept).Select(i => (int?)i)).Append(null).ToArray();
            return Make(tokens, wordIds, new int[tokens.Length]);
        }

        public Encoding Encode(string text, string? pair = null, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst)
        {
            var first = text.Split(' ');
            var second = pair?.Split(' ') ?? Array.Empty<string>();
            var tokens = new[] { "[CLS]" }.Concat(first).Append("[SEP]").Concat(pair is null ? Array.Empty<string>() : second.Append("[SEP]")).ToArray();
            var types = tokens.Select((_, i) => i > first.Length + 1 ? 1 : 0).ToArray();
            return Make(tokens, new int?[tokens.Length], types);
        }

        private static Encoding Make(string[] tokens, int?[] wordIds, int[] types) =>
            new(tokens.Select(t => t.Length).ToArray(), types, tokens.Select(_ => 1).ToArray(), wordIds, tokens.Select(_ => (0, 0)).ToArray(), tokens);
    }

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        string? loadedFrom = null;
        var root = new RootCommand();
        root.Subcommands.Add(DataCommand.Create(path => { loadedFrom = path; return new SpaceTokenizer(); }));
        root.Subcommands.Add(VocabCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        if (args.Contains("inspect") && code == 0)
            Assert.Equal(args[Array.IndexOf(args, "--tokenizer") + 1], loadedFrom);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Generate_writes_the_default_data()
    {
        var (code, _, _) = Run("data", "generate", "--output", _folder);

        Assert.Equal(0, code);
        foreach (var (relative, text) in DefaultDataGenerator.Render())
            Assert.Equal(text, File.ReadAllText(Path.Combine(_folder, relative)));
    }

    [Fact]
    public void Inspect_prints_examples_and_statistics_through_the_tokenizer_factory()
    {
        Run("data", "generate", "--output", _folder);

        var (code, output, error) = Run("data", "inspect", "--data", Path.Combine(_folder, "ner"), "--tokenizer", "my-vocab.txt",
            "--split", "validation", "--limit", "2", "--label-first-subtoken-only");

        Assert.True(code == 0, error);
        Assert.Contains("#0 ", output);
        Assert.Contains("#1 ", output);
        Assert.DoesNotContain("#2 ", output);
        Assert.Contains("sentences: 300,", output);
        Assert.Contains("length in tokens: p50 ", output);
    }

    [Fact]
    public void Inspect_classification_and_pos()
    {
        Run("data", "generate", "--output", _folder);

        var paraphrase = Run("data", "inspect", "--data", Path.Combine(_folder, "paraphrase"), "--tokenizer", "t", "--task", "classification", "--limit", "1");
        var pos = Run("data", "inspect", "--data", Path.Combine(_folder, "ner"), "--tokenizer", "t", "--task", "pos", "--limit", "1");

        Assert.True(paraphrase.Code == 0, paraphrase.Error);
        Assert.Contains("examples: 1000,", paraphrase.Output);
        Assert.True(pos.Code == 0, pos.Error);
        Assert.Contains("NNP", pos.Output);
    }

    [Fact]
    public void Inspect_bad_data_fails_with_file_and_line()
    {
        var file = Path.Combine(_folder, "train.conll");
        File.WriteAllText(file, "A x x O\nB x O\n");

        var (code, _, error) = Run("data", "inspect", "--data", _folder, "--tokenizer", "t");

        Assert.Equal(2, code);
        Assert.Contains($"{file}:2: columns:", error);
    }

    [Fact]
    public void Vocab_build_writes_a_vocabulary_within_the_size()
    {
        Run("data", "generate", "--output", _folder);
        var vocab = Path.Combine(_folder, "small-vocab.txt");

        var (code, output, error) = Run("vocab", "build", "--data", Path.Combine(_folder, "ner"), Path.Combine(_folder, "sentiment"),
            "--output", vocab, "--size", "400", "--lowercase");

        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(vocab);
        Assert.Equal(400, lines.Length);
        Assert.Equal(new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }, lines.Take(5));
        Assert.DoesNotContain("Korvath", lines);
        Assert.Contains("400 tokens", output);
    }
}
