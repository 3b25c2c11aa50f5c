using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Shared.Tests.Text;

/// <summary>One input for the parity tests: a text, a pair or a word list, with optional truncation.</summary>
internal sealed record ParityCase(string Kind, string Text, string? Pair = null, string[]? Words = null, int? MaxLength = null, string Strategy = "longest_first")
{
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["kind"] = Kind, ["text"] = Text, ["strategy"] = Strategy };
        if (Pair is not null) o["pair"] = Pair;
        if (Words is not null) o["words"] = new JsonArray(Words.Select(w => (JsonNode)JsonValue.Create(w)!).ToArray());
        if (MaxLength is not null) o["maxLength"] = MaxLength;
        return o;
    }

    public override string ToString() => $"{Kind} max={MaxLength} {Strategy}: '{Text}' | '{Pair}' | [{string.Join(" | ", Words ?? [])}]";
}

/// <summary>Varied multilingual inputs written for these tests.</summary>
internal static class ParityCorpus
{
    public static readonly string[] Texts =
    [
        "EU rejects German call to boycott British lamb .",
        "Héllo, Wörld! Café naïve résumé — São Paulo; Ångström, Łódź, İstanbul, ΣΟΦΊΑ, straße STRASSE Über",
        "我是中国人。東京大学の学生です 𠀀𪛖豈 한국어 こんにちは カタカナ \U0002B820x\U0002CEA0y",
        "ok😀 👍👍 hi👍 🥰x 😀😀😀",
        "a\u0000b\u0007c\tdef\r\ngh\u200Bij\uFFFDk\u00A0l\u2028m\u0085n\uE000o\u000Bp\u001Fq\u007Fr",
        new string('a', 150) + " " + new string('x', 100) + " " + new string('y', 101) + " " + string.Concat(Enumerable.Repeat("😀", 60)) + " ok" + string.Concat(Enumerable.Repeat("😀", 101)),
        "Wait!!! What?!... (really) [yes] {no} <html> a--b ¿Qué? «quoted» …and… '' \"\" @#$%^&*",
        "[CLS] hello [SEP] world [MASK]x[PAD]y [unk] [UNK] [mask] [MASK][MASK] [SEP",
        "Cafe\u0301 e\u0301\u0300 n\u0303o A\u030A",
        "2026 3.14 co-op e-mail don't I'm we're they've can't won't",
        "anti-disestablishmentarianism antidisestablishmentarianism unbelievable tokenization",
        "",
        "   \t\n  ",
        "a\uD800b \uDC00c",
        "İSTANBUL ıi ΟΔΟΣ Σ ǅungla ﬁne ℌ ① x² µ Ω Å K",
        "مرحبا שלום नमस्ते ไทย Việt Nam tiếng",
        "New York, Paris and Berlin; München and Zürich.",
        "the model was trained and fine-tuned by we and they, data set and database",
    ];

    public static readonly (string, string)[] Pairs =
    [
        ("EU rejects German call", "to boycott British lamb ."),
        ("Héllo, Wörld! Café naïve", "我是中国人。𠀀"),
        ("", "only the second"),
        ("[CLS] inside [SEP]", "ok😀 [MASK]"),
    ];

    public static readonly string[][] WordLists =
    [
        ["EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", "."],
        ["don't", "U.S.", "New York", "", "[MASK]", "x[SEP]y", "Café", "naïve", new string('z', 120), "我是", "𠀀", "😀", "a\u0000b", " "],
        ["İstanbul", "Σοφία", "straße", "Ångström"],
    ];

    public static IEnumerable<ParityCase> All()
    {
        foreach (var text in Texts) yield return new ParityCase("text", text);
        foreach (var text in Texts.Take(4)) yield return new ParityCase("text", text, MaxLength: 9);
        foreach (var (a, b) in Pairs) yield return new ParityCase("pair", a, b);
        foreach (var (a, b) in Pairs)
            foreach (var strategy in new[] { "longest_first", "only_first", "only_second" })
                yield return new ParityCase("pair", a, b, MaxLength: 9, Strategy: strategy);
        foreach (var words in WordLists) yield return new ParityCase("words", "", Words: words);
        foreach (var words in WordLists) yield return new ParityCase("words", "", Words: words, MaxLength: 8);
        foreach (var c in TruncationSweep()) yield return c;
    }

    /// <summary>Pairs of 0..8 words (in tokens, with multi-piece words) against max_length 3..12 and each strategy.</summary>
    private static IEnumerable<ParityCase> TruncationSweep()
    {
        string[] firstWords = ["EU", "lamb", "café", "x", "tokenizer", "a", "我", "b"];
        string[] secondWords = ["tokenizer", "a", "我", "b", "lamb", "😀", "ok", "c"];
        for (int n1 = 0; n1 <= 8; n1 += n1 < 4 ? 1 : 2)
        for (int n2 = 0; n2 <= 8; n2 += n2 < 4 ? 1 : 2)
        {
            var first = string.Join(" ", firstWords.Take(n1));
            var second = string.Join(" ", secondWords.Take(n2));
            for (int max = 3; max <= 12; max++)
                foreach (var strategy in new[] { "longest_first", "only_first", "only_second" })
                    yield return new ParityCase("pair", first, second, MaxLength: max, Strategy: strategy);
        }
    }

    /// <summary>Blocks of code points for the normalizer comparison (letters, marks, compatibility characters).</summary>
    public static IEnumerable<string> NormalizerBlocks()
    {
        (int, int)[] ranges =
        [
            (0x20, 0x24F), (0x250, 0x2FF), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x52F), (0x530, 0x58F), (0x5D0, 0x5EA),
            (0x620, 0x64A), (0x900, 0x97F), (0xE00, 0xE5B), (0x10A0, 0x10FF), (0x13A0, 0x13F5), (0x1E00, 0x1FFF),
            (0x2000, 0x206F), (0x2100, 0x218F), (0x2460, 0x24FF), (0x3000, 0x303F), (0x3040, 0x30FF), (0xAC00, 0xAC80),
            (0xF900, 0xF90F), (0xFB00, 0xFB4F), (0xFF00, 0xFF65), (0x10400, 0x1044F), (0x1D400, 0x1D44F), (0x1F600, 0x1F64F),
            (0x20000, 0x2000F), (0x2F800, 0x2F80F),
        ];
        foreach (var (from, to) in ranges)
        {
            var builder = new StringBuilder();
            for (int cp = from; cp <= to; cp++)
            {
                if (cp is >= 0xD800 and <= 0xDFFF) continue;
                builder.Append(char.ConvertFromUtf32(cp)).Append('x');
            }
            yield return builder.ToString();
        }
    }
}
