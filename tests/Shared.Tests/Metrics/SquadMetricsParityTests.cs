using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Shared.Data;
using Orchestrator.Shared.Metrics;
using Orchestrator.Shared.Tests.Text;

namespace Orchestrator.Shared.Tests.Metrics;

/// <summary>
/// SquadMetrics against tests/parity/squad_reference.py (the official SQuAD v1.1 logic, run by /usr/bin/python3)
/// on a generated corpus of answer pairs: punctuation (ASCII and not), articles inside and outside words,
/// casing (İ, final sigma, ß), scripts, combining marks, numeric symbols, every kind of whitespace, empty
/// strings, and one to three references per prediction. Every normalised string, score and total must be equal.
/// </summary>
public class SquadMetricsParityTests
{
    private const string Python = "/usr/bin/python3";

    private static readonly string[] Words =
    {
        "Paris", "paris", "PARIS", "the", "The", "THE", "a", "A", "an", "An", "theatre", "another", "Anna", "them", "ant",
        "Eiffel", "Tower", "tower", "red", "bus", "car", "1889", "42", "3.14", "10,000", "Dr.", "U.S.A.", "O'Neill", "rock'n'roll",
        "Zürich", "İstanbul", "ISTANBUL", "straße", "STRASSE", "ΟΔΟΣ", "Σοφία", "ΣΑΣ", "Σ", "Ωμέγα", "Москва", "ёлка", "東京", "日本語",
        "한국어", "مرحبا", "ǅemal", "ﬁne", "Ⅻ", "x²", "½", "the²", "the\u0301", "cafe\u0301", "café", "ǈ", "Ꭰ", "😀", "🇫🇷", "𝐀𝐁",
        "the_end", "_the_", "a-b", "the1", "an2", "A/B", "(the)", "[a]", "{an}", "the.", "an,", "a!",
    };

    private static readonly string[] Punctuation =
    {
        ".", ",", "!", "?", ";", ":", "'", "\"", "-", "--", "(", ")", "[", "]", "{", "}", "/", "\\", "@", "#", "$", "%", "^", "&",
        "*", "_", "`", "~", "|", "<", ">", "=", "+", "“", "”", "‘", "’", "«", "»", "—", "–", "…", "¿", "¡", "、", "。", "·", "•", "€",
    };

    private static readonly string[] Spaces = { " ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2009", "\u001c", "\u001f", "\u0085", "\u2028", "\u200b", "\u180e", "" };

    [Fact]
    public void Scores_equal_the_official_v1_1_script()
    {
        var cases = Corpus(new Pcg32(2024), 3000);
        var expected = RunReference(cases);

        var failures = new List<string>();
        var results = expected["cases"]!.AsArray();
        Assert.Equal(cases.Count, results.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            var (prediction, references) = cases[i];
            var r = results[i]!;
            string Show(string s) => System.Text.Json.JsonSerializer.Serialize(s);
            if (SquadMetrics.Normalize(prediction) != r["normalized_prediction"]!.GetValue<string>())
                failures.Add($"normalize {Show(prediction)}: {Show(SquadMetrics.Normalize(prediction))}, expected {Show(r["normalized_prediction"]!.GetValue<string>())}");
            var normalizedReferences = r["normalized_references"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            for (int k = 0; k < references.Length; k++)
                if (SquadMetrics.Normalize(references[k]) != normalizedReferences[k])
                    failures.Add($"normalize {Show(references[k])}: {Show(SquadMetrics.Normalize(references[k]))}, expected {Show(normalizedReferences[k])}");
            double em = references.Max(a => SquadMetrics.ExactMatch(prediction, a)), f1 = references.Max(a => SquadMetrics.F1(prediction, a));
            if (em != r["exact_match"]!.GetValue<double>() || f1 != r["f1"]!.GetValue<double>())
                failures.Add($"{Show(prediction)} vs [{string.Join(", ", references.Select(Show))}]: em {em} f1 {f1:R}, expected {r["exact_match"]} {r["f1"]}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} differences:\n" + string.Join("\n", failures.Take(20)));

        var totals = SquadMetrics.Compute(cases.Select(c => c.Prediction).ToList(), cases.Select(c => (IReadOnlyList<string>)c.References).ToList());
        Assert.Equal(expected["totals"]!["exact_match"]!.GetValue<double>(), totals.ExactMatch);
        Assert.Equal(expected["totals"]!["f1"]!.GetValue<double>(), totals.F1);
        Assert.Equal(cases.Count, totals.Count);
        // The corpus is varied: exact matches, partial overlaps and misses all occur.
        Assert.InRange(totals.ExactMatch, 10, 60);
        Assert.InRange(cases.Count(c => c.References.Max(a => SquadMetrics.F1(c.Prediction, a)) is > 0 and < 1), 500, 3000);
    }

    /// <summary>References of 0-6 fragments; predictions copy, perturb (case, punctuation, articles, spacing, a dropped or added word) or replace them.</summary>
    private static List<(string Prediction, string[] References)> Corpus(Pcg32 random, int count)
    {
        string Fragment() => random.NextInt(5) == 0 ? random.Pick(Punctuation) : random.Pick(Words);
        string Join(IEnumerable<string> parts)
        {
            var text = new StringBuilder();
            foreach (var part in parts)
            {
                if (text.Length > 0) text.Append(random.Pick(Spaces));
                text.Append(part);
            }
            if (random.NextInt(6) == 0) text.Insert(0, random.Pick(Spaces));
            if (random.NextInt(6) == 0) text.Append(random.Pick(Spaces));
            return text.ToString();
        }
        List<string> Fragments() => Enumerable.Range(0, random.NextInt(7)).Select(_ => Fragment()).ToList();

        var cases = new List<(string, string[])>
        {
            ("", new[] { "" }), (" ", new[] { "\t" }), ("the", new[] { "a" }), ("", new[] { "Paris" }), ("Paris", new[] { "" }),
            ("the the the", new[] { "an an" }), ("x y y y", new[] { "y y z" }), ("ΟΔΟΣ.", new[] { "οδος" }), ("İ", new[] { "i\u0307", "i" }),
        };
        while (cases.Count < count)
        {
            var reference = Fragments();
            var references = new List<string> { Join(reference) };
            for (int extra = random.NextInt(4) == 0 ? 1 + random.NextInt(2) : 0; extra > 0; extra--)
                references.Add(Join(random.NextInt(2) == 0 ? Perturb(random, reference, Fragment) : Fragments()));
            var prediction = random.NextInt(6) == 0 ? Fragments() : Perturb(random, reference, Fragment);
            cases.Add((Join(prediction), references.ToArray()));
        }
        return cases;
    }

    private static List<string> Perturb(Pcg32 random, List<string> fragments, Func<string> fragment)
    {
        var result = new List<string>(fragments);
        for (int edits = random.NextInt(3); edits > 0; edits--)
        {
            int at = result.Count == 0 ? 0 : random.NextInt(result.Count);
            switch (random.NextInt(6))
            {
                case 0 when result.Count > 0: result.RemoveAt(at); break;
                case 1: result.Insert(at, fragment()); break;
                case 2 when result.Count > 0: result[at] = result[at].ToUpperInvariant(); break;
                case 3 when result.Count > 0: result[at] += random.Pick(Punctuation); break;
                case 4: result.Insert(at, random.Pick(new[] { "the", "a", "an", "The", "A" })); break;
                case 5 when result.Count > 0: result.Add(result[at]); break;
            }
        }
        return result;
    }

    private static JsonObject RunReference(List<(string Prediction, string[] References)> cases)
    {
        Assert.True(File.Exists(Python), $"{Python} is required to run tests/parity/squad_reference.py");
        var folder = Path.Combine(Path.GetTempPath(), $"squad-parity-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var input = Path.Combine(folder, "cases.json");
            var output = Path.Combine(folder, "reference.json");
            var json = new JsonObject
            {
                ["cases"] = new JsonArray(cases.Select(c => (JsonNode)new JsonObject
                {
                    ["prediction"] = c.Prediction,
                    ["references"] = new JsonArray(c.References.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
                }).ToArray()),
            };
            File.WriteAllText(input, json.ToJsonString(), new UTF8Encoding(false));
            var script = Path.Combine(TestTokenizers.RepoRoot, "tests", "parity", "squad_reference.py");
            var start = new ProcessStartInfo(Python, [script, input, output]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000)) { process.Kill(true); Assert.Fail("squad_reference.py did not finish in 2 minutes"); }
            Assert.True(process.ExitCode == 0, $"squad_reference.py failed ({process.ExitCode}): {stderr.Result}");
            return JsonNode.Parse(File.ReadAllText(output))!.AsObject();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
