using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Tests.Text;

/// <summary>The generated test tokenizers (tests/parity/js/make-test-tokenizers.mjs) and the repository paths.</summary>
internal static class TestTokenizers
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Dir(string name) => Path.Combine(RepoRoot, "tests", "Shared.Tests", "TestData", "tokenizer", name);

    private static readonly Lazy<BertTokenizer> CasedJson = new(() => BertTokenizer.FromTokenizerJson(Path.Combine(Dir("cased"), "tokenizer.json")));
    private static readonly Lazy<BertTokenizer> UncasedJson = new(() => BertTokenizer.FromTokenizerJson(Path.Combine(Dir("uncased"), "tokenizer.json")));
    private static readonly Lazy<BertTokenizer> CasedVocab = new(() => BertTokenizer.FromVocabFile(Path.Combine(Dir("cased"), "vocab.txt")));
    private static readonly Lazy<BertTokenizer> UncasedVocab = new(() => BertTokenizer.FromVocabFile(Path.Combine(Dir("uncased"), "vocab.txt")));

    /// <summary>name: cased or uncased; form: json (tokenizer.json) or vocab (vocab.txt + tokenizer_config.json).</summary>
    public static BertTokenizer Get(string name, string form) => (name, form) switch
    {
        ("cased", "json") => CasedJson.Value,
        ("uncased", "json") => UncasedJson.Value,
        ("cased", "vocab") => CasedVocab.Value,
        ("uncased", "vocab") => UncasedVocab.Value,
        _ => throw new ArgumentException($"{name}/{form}"),
    };

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Orchestrator.sln not found above {AppContext.BaseDirectory}");
    }
}
