using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Shared.Tests.Text;
using Rune = System.Text.Rune;
using Orchestrator.Shared.Text;
using Ml = Microsoft.ML.Tokenizers;

namespace TokenizerComparison;

/// <summary>
/// How many of our tokenizer parity cases (tests/Shared.Tests/Text/ParityCorpus.cs, on the cased and uncased test
/// vocabularies) each implementation passes against Hugging Face's reference (tests/parity/js/parity.mjs: the fast
/// tokenizer, and the slow tokenizer's rule for pairs truncated longest_first). A case passes when the ids, the
/// segment ids and the offsets of the text's tokens equal the reference's (word ids too where the input is
/// pre-tokenized, since they are the point there). Microsoft.ML.Tokenizers' failures are sorted into categories by
/// what the first differing token covers in the input.
/// </summary>
public static class ParityReport
{
    public static int Run(string[] args)
    {
        var root = RepoRoot();
        var cases = ParityCorpus.All().ToArray();
        var oursFailures = new List<string>();
        var categories = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var examples = new Dictionary<string, string>();
        int total = 0, oursPassed = 0, theirsPassed = 0;
        var groups = new SortedDictionary<string, (int Total, int Ours, int Theirs)>(StringComparer.Ordinal);
        foreach (var (name, lowercase) in new[] { ("cased", false), ("uncased", true) })
        {
            var dir = Path.Combine(root, "tests", "Shared.Tests", "TestData", "tokenizer", name);
            var reference = Reference(root, dir, cases);
            var ours = Orchestrator.Shared.Text.BertTokenizer.FromTokenizerJson(Path.Combine(dir, "tokenizer.json"));
            var theirs = MlTokenizer.Load(dir, lowercase);
            for (int i = 0; i < cases.Length; i++)
            {
                var c = cases[i];
                var expected = reference[i]!["slow"] ?? reference[i]!["fast"]!;
                total++;
                var group = Group(c);
                var oursResult = Score(c, expected, () => Ours(ours, c));
                if (oursResult is null) oursPassed++;
                else oursFailures.Add($"{name} #{i} {c}: {oursResult}");
                var theirsResult = Score(c, expected, () => Theirs(theirs, c));
                var g = groups.GetValueOrDefault(group);
                groups[group] = (g.Total + 1, g.Ours + (oursResult is null ? 1 : 0), g.Theirs + (theirsResult is null ? 1 : 0));
                if (theirsResult is null) { theirsPassed++; continue; }
                categories[theirsResult] = categories.GetValueOrDefault(theirsResult) + 1;
                examples.TryAdd(theirsResult, $"{name} #{i} {Shorten(c.ToString())} {FirstDifference(expected, theirs, c)}");
            }
        }
        Console.WriteLine($"parity cases: {cases.Length} inputs x 2 vocabularies (cased, uncased) = {total}; reference: {reference_versions}");
        Console.WriteLine($"{"cases passed",-46} {"count",6} {"ours",6} {"Microsoft.ML.Tokenizers 2.0.1",30}");
        foreach (var (group, g) in groups)
            Console.WriteLine($"{group,-46} {g.Total,6} {g.Ours,6} {g.Theirs,30}");
        Console.WriteLine($"{"all",-46} {total,6} {oursPassed,6} {theirsPassed,30}");
        var expressible = groups.Where(kv => !kv.Key.StartsWith("pairs truncated") && !kv.Key.StartsWith("pre-tokenized")).ToArray();
        Console.WriteLine($"{"all it can express (texts, untruncated pairs)",-46} {expressible.Sum(kv => kv.Value.Total),6} {expressible.Sum(kv => kv.Value.Ours),6} {expressible.Sum(kv => kv.Value.Theirs),30}");
        Console.WriteLine();
        Console.WriteLine("Microsoft.ML.Tokenizers' failures by category (first difference in each case; one example each):");
        foreach (var (category, count) in categories.OrderByDescending(kv => kv.Value))
            Console.WriteLine($"{count,6}  {category}\n        e.g. {examples[category]}");
        foreach (var failure in oursFailures.Take(10)) Console.WriteLine("ours fails: " + failure);
        return 0;
    }

    private static string reference_versions = "";

    private static string Group(ParityCase c) => (c.Kind, c.MaxLength) switch
    {
        ("text", null) => "texts",
        ("text", _) => "texts truncated (max_length 9)",
        ("pair", null) => "pairs",
        ("pair", _) => "pairs truncated (3 strategies, sweep)",
        _ => "pre-tokenized words (is_split_into_words)",
    };

    /// <summary>What an implementation gives for one case: ids, type ids, word ids (null when it has none), offsets, tokens.</summary>
    private sealed record Result(int[] Ids, int[] TypeIds, int?[]? WordIds, (int, int)[] Offsets, string[] Tokens);

    /// <summary>null when the case passes, else the failure category.</summary>
    private static string? Score(ParityCase c, JsonNode expected, Func<Result> encode)
    {
        Result actual;
        try
        {
            actual = encode();
        }
        catch (NotSupportedException e)
        {
            return e.Message;
        }
        catch (ArgumentException) when (expected["error"] is not null)
        {
            return null; // both refuse
        }
        if (expected["error"] is not null) return "accepts what Hugging Face refuses (truncation error)";
        var ids = Json.Ints(expected["ids"]);
        var types = Json.Ints(expected["typeIds"]);
        var words = Json.NullableInts(expected["wordIds"]);
        var offsets = Json.Offsets(expected["offsets"]);
        var tokens = Json.Strings(expected["tokens"]);
        if (!ids.SequenceEqual(actual.Ids)) return Categorize(c, tokens, types, offsets, actual);
        if (!types.SequenceEqual(actual.TypeIds)) return "segment (type) ids differ";
        if (c.Kind == "words" && (actual.WordIds is null || !words.SequenceEqual(actual.WordIds))) return "word ids differ";
        for (int k = 0; k < offsets.Length; k++)
            if (words[k] is not null && offsets[k] != actual.Offsets[k]) return "offsets differ: they point into the normalised text";
        return null;
    }

    /// <summary>Names what the first differing token covers in the input (the reference's token and its source text).</summary>
    private static string Categorize(ParityCase c, string[] tokens, int[] types, (int, int)[] offsets, Result actual)
    {
        int k = 0;
        while (k < tokens.Length && k < actual.Tokens.Length && tokens[k] == actual.Tokens[k]) k++;
        if (k >= tokens.Length) return "extra tokens at the end";
        var text = types[k] == 1 ? c.Pair! : c.Text;
        var (start, end) = offsets[k];
        // Around the difference: from the previous token's start to the differing token's end.
        int from = k > 0 && types[k - 1] == types[k] && offsets[k - 1] != (0, 0) ? offsets[k - 1].Item1 : start;
        var around = c.Kind == "words" || end > text.Length || from > end ? "" : text[from..end];
        if (tokens[k] == "[UNK]" && (k >= actual.Tokens.Length || actual.Tokens[k] != "[UNK]"))
            return "symbols and emoji dropped without an [UNK]";
        var runes = around.EnumerateRunes().ToArray();
        var hfToken = tokens[k].StartsWith("##", StringComparison.Ordinal) ? tokens[k][2..] : tokens[k];
        if (hfToken.EnumerateRunes().Any(r => Rune.GetUnicodeCategory(r) is UnicodeCategory.OtherSymbol or UnicodeCategory.MathSymbol or UnicodeCategory.ModifierSymbol))
            return "symbols and emoji dropped";
        if (runes.Any(r => Rune.GetUnicodeCategory(r) == UnicodeCategory.Format)) return "zero-width and format characters kept";
        if (around.Contains('\t')) return "a tab glues the words around it together";
        if (around.Contains('_')) return "'_' stays inside words";
        if (runes.Any(r => r.Value >= 0x10000 && Rune.IsLetter(r))) return "letters outside the Basic Multilingual Plane dropped";
        if (runes.Any(r => Rune.GetUnicodeCategory(r) == UnicodeCategory.SpacingCombiningMark)) return "spacing vowel signs stripped";
        if (runes.Any(r => r.Value is >= 0xAC00 and <= 0xD7A3)) return "Korean (Hangul) tokens differ";
        if (k < actual.Tokens.Length && actual.Tokens[k] == "[UNK]") return "[UNK] where Hugging Face has a token";
        return "other ids differences";
    }

    private static Result Ours(Orchestrator.Shared.Text.BertTokenizer tokenizer, ParityCase c)
    {
        var strategy = c.Strategy switch { "only_first" => TruncationStrategy.OnlyFirst, "only_second" => TruncationStrategy.OnlySecond, _ => TruncationStrategy.LongestFirst };
        var e = c.Kind switch
        {
            "text" => tokenizer.Encode(c.Text, null, c.MaxLength, strategy),
            "pair" => tokenizer.Encode(c.Text, c.Pair, c.MaxLength, strategy),
            _ => tokenizer.EncodeWords(c.Words!, c.MaxLength),
        };
        return new Result(e.InputIds, e.TokenTypeIds, e.WordIds, e.Offsets, e.Tokens);
    }

    /// <summary>
    /// Microsoft.ML.Tokenizers as a user would call it: EncodeToTokens for a text (with its special tokens), the
    /// max-token-count overload for a truncated text, and for a pair each text without special tokens joined by
    /// BuildInputsWithSpecialTokens / CreateTokenTypeIdsFromSequences. It has no pair truncation and no pre-tokenized
    /// input with word ids.
    /// </summary>
    private static Result Theirs(Ml.BertTokenizer tokenizer, ParityCase c)
    {
        if (c.Kind == "words") throw new NotSupportedException("no pre-tokenized input (is_split_into_words) and no word ids");
        if (c.Kind == "pair" && c.MaxLength is not null) throw new NotSupportedException("no pair truncation");
        if (c.Kind == "text" && c.MaxLength is int max)
        {
            var ids = tokenizer.EncodeToIds(c.Text, max, addSpecialTokens: true, out _, out _);
            // Offsets and tokens: those of the untruncated text, cut to the same length, with the final [SEP].
            var full = WithoutSpecials(tokenizer, c.Text).Take(Math.Max(0, ids.Count - 2)).ToList();
            var cutOffsets = new[] { (0, 0) }.Concat(full.Select(t => Span(t.Offset))).Append((0, 0)).ToArray();
            var cutTokens = new[] { "[CLS]" }.Concat(full.Select(t => t.Value)).Append("[SEP]").ToArray();
            return new Result(ids.ToArray(), new int[ids.Count], null, cutOffsets.Length == ids.Count ? cutOffsets : new (int, int)[ids.Count], cutTokens);
        }
        var first = WithoutSpecials(tokenizer, c.Text);
        var second = c.Kind == "pair" ? WithoutSpecials(tokenizer, c.Pair!) : null;
        var all = tokenizer.BuildInputsWithSpecialTokens(first.Select(t => t.Id), second?.Select(t => t.Id));
        var typeIds = second is null ? new int[all.Count] : tokenizer.CreateTokenTypeIdsFromSequences(first.Select(t => t.Id), second.Select(t => t.Id)).ToArray();
        var offsets = new List<(int, int)> { (0, 0) };
        var tokens = new List<string> { "[CLS]" };
        foreach (var t in first) { offsets.Add(Span(t.Offset)); tokens.Add(t.Value); }
        offsets.Add((0, 0)); tokens.Add("[SEP]");
        if (second is not null)
        {
            foreach (var t in second) { offsets.Add(Span(t.Offset)); tokens.Add(t.Value); }
            offsets.Add((0, 0)); tokens.Add("[SEP]");
        }
        return new Result(all.ToArray(), typeIds, null, offsets.ToArray(), tokens.ToArray());
    }

    /// <summary>EncodeToTokens adds [CLS] and [SEP] by itself (BertOptions); the text's own tokens are those between.</summary>
    private static List<Ml.EncodedToken> WithoutSpecials(Ml.BertTokenizer tokenizer, string text)
    {
        var tokens = tokenizer.EncodeToTokens(text, out _).ToList();
        if (tokens.Count > 0 && tokens[0].Id == tokenizer.ClassificationTokenId) tokens.RemoveAt(0);
        if (tokens.Count > 0 && tokens[^1].Id == tokenizer.SeparatorTokenId) tokens.RemoveAt(tokens.Count - 1);
        return tokens;
    }

    private static (int, int) Span(Range r) => (r.Start.Value, r.End.Value);

    private static string FirstDifference(JsonNode expected, Ml.BertTokenizer tokenizer, ParityCase c)
    {
        if (expected["tokens"] is null || c.Kind == "words" || (c.Kind == "pair" && c.MaxLength is not null)) return "";
        var tokens = Json.Strings(expected["tokens"]);
        var actual = Theirs(tokenizer, c).Tokens;
        int k = 0;
        while (k < tokens.Length && k < actual.Length && tokens[k] == actual[k]) k++;
        return k >= tokens.Length && k >= actual.Length ? "" : $"-> at token {k}: Hugging Face '{(k < tokens.Length ? tokens[k] : "(end)")}', ML '{(k < actual.Length ? actual[k] : "(end)")}'";
    }

    private static string Shorten(string s) => (s.Length <= 90 ? s : s[..87] + "...").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");

    private static JsonArray Reference(string root, string dir, ParityCase[] cases)
    {
        var scriptDir = Path.Combine(root, "tests", "parity", "js");
        if (!Directory.Exists(Path.Combine(scriptDir, "node_modules", "tokenizers")))
            throw new InvalidOperationException($"run `npm ci` in {scriptDir} first (the Hugging Face reference tokenizers)");
        var request = Path.GetTempFileName();
        File.WriteAllText(request, new JsonObject
        {
            ["tokenizer"] = dir,
            ["cases"] = new JsonArray(cases.Select(c => (JsonNode)c.ToJson()).ToArray()),
        }.ToJsonString());
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(scriptDir, "parity.mjs"), request])
                { WorkingDirectory = scriptDir, RedirectStandardOutput = true, StandardOutputEncoding = System.Text.Encoding.UTF8 };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"node parity.mjs failed with exit code {process.ExitCode}");
            var json = JsonNode.Parse(output)!;
            reference_versions = $"{json["versions"]!["tokenizers"]} (slow tokenizer's rule for longest_first pairs)";
            return json["cases"]!.AsArray();
        }
        finally
        {
            File.Delete(request);
        }
    }

    private static class Json
    {
        public static int[] Ints(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        public static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        public static int?[] NullableInts(JsonNode? node) => node!.AsArray().Select(n => n is null ? (int?)null : n.GetValue<int>()).ToArray();
        public static (int, int)[] Offsets(JsonNode? node) => node!.AsArray().Select(n => (n![0]!.GetValue<int>(), n[1]!.GetValue<int>())).ToArray();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new InvalidOperationException("Orchestrator.sln not found above " + AppContext.BaseDirectory);
    }
}
