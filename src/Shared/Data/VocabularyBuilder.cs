using Orchestrator.Shared.IO;
using System.Globalization;
using System.Text;

namespace Orchestrator.Shared.Data;

/// <summary>
/// Builds a WordPiece `vocab.txt` from text: the specials [PAD] [UNK] [CLS] [SEP] [MASK] (ids 0-4), then
/// every character seen and its `##` continuation form (so any word of the corpus can be spelled and
/// nothing it contains is [UNK]), then the most frequent words and the most frequent sub-word pieces
/// (word-initial prefixes and `##` continuations of words left out), up to the size limit. Ties are broken by
/// ordinal order, so the output is deterministic. A frequency heuristic, not Google's likelihood-based
/// WordPiece training; it is meant for the bundled data and small custom corpora.
/// Text is split like BERT's basic tokenizer: whitespace, then every punctuation character and CJK
/// ideograph on its own; with lowercase, text is lower-cased and accents are stripped (NFD, drop Mn).
/// </summary>
public sealed class VocabularyBuilder
{
    public static readonly string[] SpecialTokens = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };

    /// <summary>Share of the budget after characters that goes to whole words before pieces are added.</summary>
    public const double WordShare = 0.75;
    public const int MaxPieceLength = 8;

    private readonly Dictionary<string, long> _words = new(StringComparer.Ordinal);

    public VocabularyBuilder(bool lowercase = false)
    {
        Lowercase = lowercase;
    }

    public bool Lowercase { get; }
    public int DistinctWords => _words.Count;

    public void AddText(string text)
    {
        foreach (var word in PreTokenize(Normalize(text)))
            _words[word] = _words.GetValueOrDefault(word) + 1;
    }

    public void AddWords(IEnumerable<string> words)
    {
        foreach (var word in words)
            AddText(word);
    }

    public List<string> Build(int size)
    {
        var vocab = new List<string>(SpecialTokens);
        var present = new HashSet<string>(vocab, StringComparer.Ordinal);
        void Add(string token)
        {
            if (present.Add(token))
                vocab.Add(token);
        }

        var characters = new SortedSet<int>();
        foreach (var word in _words.Keys)
            foreach (var rune in word.EnumerateRunes())
                characters.Add(rune.Value);
        foreach (var c in characters)
            Add(char.ConvertFromUtf32(c));
        foreach (var c in characters)
            Add("##" + char.ConvertFromUtf32(c));
        if (vocab.Count > size)
            throw new ArgumentException($"a vocabulary of {size} cannot hold the {SpecialTokens.Length} specials and the {characters.Count} characters of the corpus (needs {vocab.Count})");

        var words = _words.Where(w => w.Key.EnumerateRunes().Count() > 1)
            .OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).ToList();
        int wordBudget = vocab.Count + (int)Math.Ceiling((size - vocab.Count) * WordShare);
        int taken = 0;
        for (; taken < words.Count && vocab.Count < wordBudget; taken++)
            Add(words[taken].Key);

        foreach (var piece in Pieces(words.Skip(taken)))
        {
            if (vocab.Count >= size)
                break;
            Add(piece);
        }
        for (; taken < words.Count && vocab.Count < size; taken++)
            Add(words[taken].Key);
        return vocab;
    }

    /// <summary>Prefixes and ## continuations of the left-out words, most frequent first.</summary>
    private static IEnumerable<string> Pieces(IEnumerable<KeyValuePair<string, long>> words)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (word, count) in words)
        {
            var runes = word.EnumerateRunes().Select(r => r.ToString()).ToArray();
            for (int start = 0; start < runes.Length; start++)
                for (int length = 2; length <= MaxPieceLength && start + length <= runes.Length; length++)
                {
                    if (start == 0 && length == runes.Length)
                        continue;
                    var piece = (start == 0 ? "" : "##") + string.Concat(runes.Skip(start).Take(length));
                    counts[piece] = counts.GetValueOrDefault(piece) + count;
                }
        }
        return counts.Where(p => p.Value > 1).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key);
    }

    public static void Save(IReadOnlyList<string> vocab, string path) =>
        AtomicFile.WriteAllText(path, string.Concat(vocab.Select(t => t + "\n")));

    private string Normalize(string text)
    {
        if (!Lowercase)
            return text;
        return AccentStripper.Strip(text.ToLowerInvariant());
    }

    /// <summary>Whitespace split, then punctuation and CJK ideographs as single tokens; control characters dropped.</summary>
    public static IEnumerable<string> PreTokenize(string text)
    {
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) || rune.Value == 0xFFFD)
            {
                if (current.Length > 0) { yield return current.ToString(); current.Clear(); }
                continue;
            }
            if (Text.CharClasses.IsPunctuation(rune.Value) || IsCjk(rune.Value))
            {
                if (current.Length > 0) { yield return current.ToString(); current.Clear(); }
                yield return rune.ToString();
                continue;
            }
            current.Append(rune.ToString());
        }
        if (current.Length > 0)
            yield return current.ToString();
    }

    private static bool IsCjk(int c) =>
        c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
