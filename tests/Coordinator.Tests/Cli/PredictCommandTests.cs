using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Coordinator.Run;

namespace Orchestrator.Coordinator.Tests.Cli;

/// <summary>
/// Models and expected answers from tests/parity/pipeline_reference.py (plain PyTorch and numpy, re-creating Hugging
/// Face's token and text classification pipelines): a token classifier with NER labels and 40 positions, a
/// three-label and a one-label sequence classifier, made and run once by one Python process.
/// </summary>
public sealed class PipelineReference : IDisposable
{
    private readonly TempDirectory temp = new();

    /// <summary>
    /// Accents (stripped by the tokenizer, so sub-word lengths differ from the text's), punctuation, CJK characters,
    /// an unknown CJK character, emoji (one code point, two UTF-16 units: offsets after them count differently), an
    /// empty line and a text longer than the model's 40 positions (read in overlapping windows).
    /// </summary>
    public static readonly string[] NerTexts =
    [
        "John Smith visited Zürich and Genève last week.",
        "Les élèves de l'École Polytechnique: Émile Zola, 東京 and 北京!",
        "Unbelievably, Mikhail Gorbachev met Angela Merkel 😀 in Reykjavík.",
        "great😀 news from Tokyo-based Sony Corp.",
        "",
        "Anna Maria lives in Berlin and works near Paris; John Smith visited Zürich and Genève last week, Angela Merkel met " +
        "Mikhail Gorbachev in Reykjavík 😀, and great news from Tokyo-based Sony Corp. was in Les élèves de l'École " +
        "Polytechnique: Émile Zola, 東京 and 北京!",
    ];

    /// <summary>Single texts and pairs for the sequence classifiers.</summary>
    public static readonly (string Text, string? Pair)[] SequenceInputs =
    [
        ("John Smith visited Zürich and Genève last week.", null),
        ("great😀 news from Tokyo-based Sony Corp.", "Unbelievably, Mikhail Gorbachev met Angela Merkel 😀 in Reykjavík."),
        ("Les élèves de l'École Polytechnique: Émile Zola, 東京 and 北京!", "Anna Maria lives in Berlin."),
        ("", null),
    ];

    public PipelineReference()
    {
        File.WriteAllLines(temp.Combine("token.jsonl"), NerTexts.Select(t => JsonSerializer.Serialize(new { text = t })));
        File.WriteAllLines(temp.Combine("sequence.jsonl"), SequenceInputs.Select(JsonLine));
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tests", "parity", "pipeline_reference.py"));
        start.ArgumentList.Add("fixture");
        start.ArgumentList.Add(temp.Path);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(300_000), "the Python pipeline reference did not finish in 5 minutes");
        Assert.True(process.ExitCode == 0, $"pipeline_reference.py fixture failed: {stderr.Result}");
    }

    public string Combine(params string[] parts) => temp.Combine(parts);

    public JsonElement Expected(string model) => JsonDocument.Parse(File.ReadAllText(temp.Combine(model + ".expected.json"))).RootElement;

    public static string JsonLine((string Text, string? Pair) input) =>
        input.Pair is null ? JsonSerializer.Serialize(new { text = input.Text }) : JsonSerializer.Serialize(new { text = input.Text, text_pair = input.Pair });

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
    }

    public void Dispose() => temp.Dispose();
}

public sealed class PredictCommandTests(PipelineReference reference, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<PipelineReference>
{
    public static TheoryData<string> Strategies => new() { "none", "simple", "first", "average", "max" };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Entities_match_the_reference_pipeline_for_every_strategy(string strategy)
    {
        var input = reference.Combine("token.jsonl");
        var (code, output, error) = Invoke($"predict --model {reference.Combine("token")} --input {input} --aggregation {strategy} --json --batch-size 1");

        Assert.True(code == 0, error);
        var lines = output.TrimEnd('\n').Split('\n');
        var expected = reference.Expected("token").GetProperty(strategy).EnumerateArray().ToList();
        Assert.Equal(PipelineReference.NerTexts.Length, lines.Length);
        Assert.True(expected.Sum(e => e.GetArrayLength()) > 10, "the reference found almost no entities: the comparison would prove little");
        for (int i = 0; i < lines.Length; i++)
        {
            log.WriteLine(lines[i]);
            AssertSameEntities(expected[i], JsonDocument.Parse(lines[i]).RootElement, $"line {i + 1} ({strategy})");
        }
    }

    [Fact]
    public void Word_strategies_merge_sub_words_and_offsets_count_code_points()
    {
        var expected = reference.Expected("token");
        var first = expected.GetProperty("first").EnumerateArray().SelectMany(a => a.EnumerateArray()).ToList();
        var simple = expected.GetProperty("simple").EnumerateArray().SelectMany(a => a.EnumerateArray()).ToList();
        // The reference itself exercises what matters: words glued from pieces, pieces left alone by simple, and
        // entities after an emoji, where code point offsets differ from UTF-16 ones.
        Assert.Contains(first, e => e.GetProperty("word").GetString() is "gorbachev" or "merkel" or "reykjavik" or "zurich");
        Assert.Contains(simple, e => e.GetProperty("word").GetString()!.StartsWith("##"));
        var afterEmoji = PipelineReference.NerTexts[2].IndexOf("in Reykjav", StringComparison.Ordinal);
        Assert.Contains(simple, e => e.GetProperty("start").GetInt32() > afterEmoji - 2);
    }

    [Theory]
    [InlineData("simple")]
    [InlineData("none")]
    public void Results_do_not_depend_on_the_batch_size(string strategy)
    {
        var model = reference.Combine("token");
        var input = reference.Combine("token.jsonl");
        var one = Invoke($"predict --model {model} --input {input} --aggregation {strategy} --json --batch-size 1");
        var four = Invoke($"predict --model {model} --input {input} --aggregation {strategy} --json --batch-size 4");

        Assert.True(one.Code == 0 && four.Code == 0, one.Error + four.Error);
        var a = one.Output.TrimEnd('\n').Split('\n');
        var b = four.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
            AssertSameEntities(JsonDocument.Parse(a[i]).RootElement, JsonDocument.Parse(b[i]).RootElement, $"line {i + 1}", tolerance: 1e-6);
    }

    [Theory]
    [InlineData("sequence", "", "best")]
    [InlineData("sequence", "--top-k 2", "top2")]
    [InlineData("sequence", "--top-k all", "all")]
    [InlineData("sequence1", "", "best")]
    [InlineData("sequence1", "--top-k 0", "all")]
    public void Labels_match_the_reference_pipeline_for_texts_and_pairs(string model, string topK, string key)
    {
        var options = topK.Length == 0 ? "" : " " + topK;
        var (code, output, error) = Invoke($"predict --model {reference.Combine(model)} --input {reference.Combine("sequence.jsonl")} --json{options} --batch-size 3");

        Assert.True(code == 0, error);
        Assert.Equal("", error);
        var lines = output.TrimEnd('\n').Split('\n');
        var expected = reference.Expected(model).GetProperty(key).EnumerateArray().ToList();
        Assert.Equal(PipelineReference.SequenceInputs.Length, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            log.WriteLine(lines[i]);
            var actual = JsonDocument.Parse(lines[i]).RootElement;
            Assert.Equal(expected[i].ValueKind, actual.ValueKind);
            List<JsonElement> want = expected[i].ValueKind == JsonValueKind.Array ? expected[i].EnumerateArray().ToList() : [expected[i]];
            List<JsonElement> got = actual.ValueKind == JsonValueKind.Array ? actual.EnumerateArray().ToList() : [actual];
            Assert.Equal(want.Select(w => w.GetProperty("label").GetString()), got.Select(g => g.GetProperty("label").GetString()));
            for (int k = 0; k < want.Count; k++)
                Assert.Equal(want[k].GetProperty("score").GetDouble(), got[k].GetProperty("score").GetDouble(), 5);
        }
    }

    [Fact]
    public void Tab_separated_pairs_give_the_same_labels_as_JSON_pairs()
    {
        var tabs = reference.Combine("pairs.tsv");
        File.WriteAllLines(tabs, PipelineReference.SequenceInputs.Where(i => i.Pair is not null).Select(i => $"{i.Text}\t{i.Pair}"));
        var json = reference.Combine("pairs.jsonl");
        File.WriteAllLines(json, PipelineReference.SequenceInputs.Where(i => i.Pair is not null).Select(PipelineReference.JsonLine));

        var fromTabs = Invoke($"predict --model {reference.Combine("sequence")} --input {tabs} --pair --json --top-k all");
        var fromJson = Invoke($"predict --model {reference.Combine("sequence")} --input {json} --json --top-k all");

        Assert.True(fromTabs.Code == 0, fromTabs.Error);
        Assert.Equal(fromJson.Output, fromTabs.Output);
    }

    [Fact]
    public void A_text_too_long_for_a_sequence_classifier_is_cut_and_the_output_says_where()
    {
        var longText = string.Join(" ", Enumerable.Repeat("John Smith visited Zürich.", 20));
        var input = reference.Combine("long.jsonl");
        File.WriteAllLines(input, [PipelineReference.JsonLine((longText, null)), PipelineReference.JsonLine(("short text", null))]);

        var (code, output, error) = Invoke($"predict --model {reference.Combine("sequence")} --input {input} --json");

        Assert.True(code == 0, error);
        Assert.Contains("line 1: text cut to fit the model's 64 tokens", error);
        Assert.DoesNotContain("line 2", error);
        var lines = output.TrimEnd('\n').Split('\n');
        var cut = JsonDocument.Parse(lines[0]).RootElement.GetProperty("truncated")[0];
        Assert.Equal("text", cut.GetProperty("side").GetString());
        Assert.Equal(62, cut.GetProperty("kept_tokens").GetInt32());
        Assert.Equal(longText.Length, cut.GetProperty("characters").GetInt32());
        var kept = cut.GetProperty("kept_characters").GetInt32();
        Assert.InRange(kept, 1, longText.Length - 1);
        Assert.Equal(6 * 20 - 62, cut.GetProperty("dropped_tokens").GetInt32());
        Assert.False(JsonDocument.Parse(lines[1]).RootElement.TryGetProperty("truncated", out _));
    }

    [Fact]
    public void The_readable_output_lists_each_lines_entities()
    {
        var input = reference.Combine("one.txt");
        File.WriteAllText(input, PipelineReference.NerTexts[0] + "\n");

        var (code, output, error) = Invoke($"predict --model {reference.Combine("token")} --input {input} --aggregation first");

        Assert.True(code == 0, error);
        log.WriteLine(output);
        var expected = reference.Expected("token").GetProperty("first")[0];
        Assert.StartsWith($"line 1: {expected.GetArrayLength()} entit", output);
        foreach (var entity in expected.EnumerateArray())
            Assert.Contains(entity.GetProperty("word").GetString()!, output);
    }

    [Theory]
    [InlineData("{\"text\": 3}", "line 2: field \"text\" must be a string")]
    [InlineData("{\"text\": \"a\"", "line 2: not valid JSON")]
    [InlineData("{\"text\": \"a\", \"text_pair\": \"b\"}", "line 2: field \"text_pair\": a token classifier reads one text per line")]
    public void A_bad_input_line_is_refused_naming_the_line_and_field(string line, string message)
    {
        var input = reference.Combine($"bad-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(input, ["John Smith", line]);

        var (code, _, error) = Invoke($"predict --model {reference.Combine("token")} --input {input} --json");

        Assert.Equal(RunHost.BadInput, code);
        Assert.Contains($"{input} {message}", error);
    }

    [Theory]
    [InlineData("token", "--pair", "--pair: a token classifier reads one text per line")]
    [InlineData("token", "--stride 38", "--stride 38: must be at least 0 and smaller than the 38 text tokens")]
    [InlineData("token", "--top-k 2", "--top-k applies to sequence classification")]
    [InlineData("sequence", "--aggregation first", "--aggregation applies to token classification")]
    public void Options_that_do_not_fit_the_model_are_refused(string model, string options, string message)
    {
        var input = reference.Combine("one-line.txt");
        File.WriteAllText(input, "John Smith\n");

        var (code, _, error) = Invoke($"predict --model {reference.Combine(model)} --input {input} {options}");

        Assert.Equal(RunHost.BadInput, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_model_folder_without_a_classification_head_is_refused()
    {
        var folder = reference.Combine($"base-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(reference.Combine("token"))) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"BertForTokenClassification\"", "\"BertModel\""));

        var (code, _, error) = Invoke($"predict --model {folder} --json");
        var missing = Invoke($"predict --model {reference.Combine("missing")} --json");

        Assert.Equal(RunHost.BadInput, code);
        Assert.Contains($"{config}: architectures [BertModel] names no *ForTokenClassification or *ForSequenceClassification head", error);
        Assert.Equal(RunHost.BadInput, missing.Code);
        Assert.Contains("model folder not found", missing.Error);
    }

    /// <summary>Same entities: labels, words, offsets (and indices) exactly; scores to <paramref name="tolerance"/>.</summary>
    private static void AssertSameEntities(JsonElement expected, JsonElement actual, string where, double tolerance = 1e-5)
    {
        var want = expected.EnumerateArray().ToList();
        var got = actual.EnumerateArray().ToList();
        string Describe(JsonElement e) => string.Join(",", e.EnumerateObject().Where(p => p.Name != "score").Select(p => $"{p.Name}={p.Value}"));
        Assert.True(want.Select(Describe).SequenceEqual(got.Select(Describe)),
            $"{where}:\nexpected {string.Join(" | ", want.Select(Describe))}\nactual   {string.Join(" | ", got.Select(Describe))}");
        for (int k = 0; k < want.Count; k++)
            Assert.True(Math.Abs(want[k].GetProperty("score").GetDouble() - got[k].GetProperty("score").GetDouble()) <= tolerance,
                $"{where}, entity {k}: score {got[k].GetProperty("score")} instead of {want[k].GetProperty("score")}");
    }

    private static (int Code, string Output, string Error) Invoke(string commandLine)
    {
        var root = new RootCommand();
        root.Subcommands.Add(PredictCommand.Create());
        var parse = root.Parse(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(parse.Errors);
        var output = new StringWriter();
        var error = new StringWriter();
        int code;
        try
        {
            code = PredictCommand.Run(PredictCommand.Bind(parse), new StringReader(""), output, error);
        }
        catch (RunInputException problem)
        {
            error.WriteLine($"error: {problem.Message}");
            code = RunHost.BadInput;
        }
        return (code, output.ToString(), error.ToString());
    }
}
