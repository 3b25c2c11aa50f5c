using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Tests.Data;

/// <summary>
/// A tiny stand-in for the WordPiece tokenizer: text is split on spaces, listed words split into fixed
/// pieces (`lamb` -> `la`, `##mb`), every other word is one token. Ids: specials 0-3, then a stable hash.
/// </summary>
internal sealed class FakeTokenizer : ITokenizer
{
    public const int Pad = 0, Unk = 1, Cls = 2, Sep = 3;

    private readonly IReadOnlyDictionary<string, string[]> _splits;

    public FakeTokenizer(IReadOnlyDictionary<string, string[]>? splits = null)
    {
        _splits = splits ?? new Dictionary<string, string[]>
        {
            ["lamb"] = new[] { "la", "##mb" },
            ["Quillane"] = new[] { "Qu", "##ill", "##ane" },
            ["Korvath"] = new[] { "Kor", "##vath" },
        };
    }

    public int VocabSize => 10_010;
    public int PadTokenId => Pad;

    public static int IdOf(string token) => token switch
    {
        "[PAD]" => Pad, "[UNK]" => Unk, "[CLS]" => Cls, "[SEP]" => Sep,
        _ => 10 + (int)(Fnv(token) % 10_000),
    };

    private static uint Fnv(string s)
    {
        uint h = 2166136261;
        foreach (var c in s)
            h = (h ^ c) * 16777619;
        return h;
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) => throw new NotSupportedException();

    private string[] Pieces(string word) => _splits.TryGetValue(word, out var pieces) ? pieces : new[] { word };

    public Encoding EncodeWords(IReadOnlyList<string> words, int? maxLength = null)
    {
        var tokens = new List<string> { "[CLS]" };
        var wordIds = new List<int?> { null };
        int budget = (maxLength ?? int.MaxValue) - 2;
        for (int w = 0; w < words.Count; w++)
            foreach (var piece in Pieces(words[w]))
                if (tokens.Count - 1 < budget)
                {
                    tokens.Add(piece);
                    wordIds.Add(w);
                }
        tokens.Add("[SEP]");
        wordIds.Add(null);
        return Build(tokens, wordIds, new int[tokens.Count]);
    }

    public Encoding Encode(string text, string? pair = null, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst)
    {
        var first = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(Pieces).ToList();
        var second = pair?.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(Pieces).ToList();
        int budget = (maxLength ?? int.MaxValue) - (second is null ? 2 : 3);
        while (first.Count + (second?.Count ?? 0) > budget)
        {
            if (second is not null && second.Count > first.Count)
                second.RemoveAt(second.Count - 1);
            else
                first.RemoveAt(first.Count - 1);
        }
        var tokens = new List<string> { "[CLS]" };
        tokens.AddRange(first);
        tokens.Add("[SEP]");
        var types = Enumerable.Repeat(0, tokens.Count).ToList();
        if (second is not null)
        {
            tokens.AddRange(second);
            tokens.Add("[SEP]");
            types.AddRange(Enumerable.Repeat(1, second.Count + 1));
        }
        return Build(tokens, tokens.Select(_ => (int?)null).ToList(), types.ToArray());
    }

    private static Encoding Build(List<string> tokens, List<int?> wordIds, int[] types) => new(
        tokens.Select(IdOf).ToArray(), types, Enumerable.Repeat(1, tokens.Count).ToArray(), wordIds.ToArray(),
        tokens.Select(_ => (0, 0)).ToArray(), tokens.ToArray());
}
