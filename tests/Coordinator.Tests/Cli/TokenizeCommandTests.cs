using System.CommandLine;
using System.Text.Json;
using Orchestrator.Coordinator.Cli;

namespace Orchestrator.Coordinator.Tests.Cli;

public sealed class TokenizeCommandTests
{
    private static readonly string CasedTokenizer = Path.Combine(FindRepoRoot(), "tests", "Shared.Tests", "TestData", "tokenizer", "cased");

    [Fact]
    public void Json_output_for_pre_tokenized_words_has_the_course_tokens_and_word_ids()
    {
        var output = Invoke($"tokenize --tokenizer {CasedTokenizer} --split-into-words --json", "EU rejects German call to boycott British lamb .\n");

        var row = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.Equal("[CLS] EU rejects German call to boycott British la ##mb . [SEP]",
            string.Join(" ", row.GetProperty("tokens").EnumerateArray().Select(t => t.GetString())));
        Assert.Equal("[null,0,1,2,3,4,5,6,7,7,8,null]", row.GetProperty("word_ids").GetRawText());
        Assert.Equal("[2,4]", row.GetProperty("offsets")[9].GetRawText());
        Assert.Equal(12, row.GetProperty("input_ids").GetArrayLength());
    }

    [Fact]
    public void Pairs_with_max_length_print_one_json_line_each_with_segment_ids()
    {
        var output = Invoke($"tokenize --tokenizer {CasedTokenizer} --pair --max-length 7 --json", "EU rejects German call\tBritish lamb\nlamb\tcall\n");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(7, first.GetProperty("input_ids").GetArrayLength());
        Assert.Equal("[0,0,0,0,1,1,1]", first.GetProperty("token_type_ids").GetRawText());
        Assert.Equal("[\"[CLS]\",\"EU\",\"rejects\",\"[SEP]\",\"British\",\"la\",\"[SEP]\"]", first.GetProperty("tokens").GetRawText());
    }

    [Fact]
    public void Table_output_shows_each_token_with_its_source_text()
    {
        var output = Invoke($"tokenize --tokenizer {CasedTokenizer}", "British lamb\n");

        Assert.Contains("line 1: 5 tokens", output);
        var lambRow = output.Split('\n').Single(l => l.Contains("##mb"));
        Assert.Contains("10-12", lambRow);
        Assert.EndsWith("mb", lambRow.TrimEnd());
    }

    [Fact]
    public void A_pair_line_without_a_tab_is_an_error_naming_the_line()
    {
        var error = Assert.Throws<FormatException>(() => Invoke($"tokenize --tokenizer {CasedTokenizer} --pair", "a\tb\nno tab here\n"));
        Assert.Contains("stdin line 2", error.Message);
    }

    [Fact]
    public void Json_lines_of_words_may_hold_a_word_with_a_space()
    {
        var output = Invoke($"tokenize --tokenizer {CasedTokenizer} --split-into-words --input-format json --json", "[\"New York\", \"lamb\"]\n");

        var row = JsonDocument.Parse(output.Trim()).RootElement;
        // "New York" is one input word: both its tokens carry word id 0, and their offsets index into "New York".
        Assert.Equal("[\"[CLS]\",\"New\",\"York\",\"la\",\"##mb\",\"[SEP]\"]", row.GetProperty("tokens").GetRawText());
        Assert.Equal("[null,0,0,1,1,null]", row.GetProperty("word_ids").GetRawText());
        Assert.Equal("[[0,0],[0,3],[4,8],[0,2],[2,4],[0,0]]", row.GetProperty("offsets").GetRawText());
    }

    [Fact]
    public void Json_pairs_give_the_same_encoding_as_tab_separated_pairs_and_may_hold_tabs()
    {
        var fromText = Invoke($"tokenize --tokenizer {CasedTokenizer} --pair --max-length 9 --json", "EU rejects German call\tBritish lamb\n");
        var fromJson = Invoke($"tokenize --tokenizer {CasedTokenizer} --pair --max-length 9 --json --input-format json",
            "{\"text\": \"EU rejects German call\", \"text_pair\": \"British lamb\"}\n{\"text\": \"a\\tb\", \"text_pair\": \"c\"}\n");

        var lines = fromJson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(fromText.Trim(), lines[0]);
        Assert.Equal("[\"[CLS]\",\"a\",\"b\",\"[SEP]\",\"c\",\"[SEP]\"]", JsonDocument.Parse(lines[1]).RootElement.GetProperty("tokens").GetRawText());
    }

    [Fact]
    public void Json_pairs_of_word_arrays_count_word_ids_per_side()
    {
        var output = Invoke($"tokenize --tokenizer {CasedTokenizer} --pair --split-into-words --input-format json --json",
            "{\"text\": [\"EU\", \"lamb\"], \"text_pair\": [\"British\", \"call\"]}\n");

        var row = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.Equal("[\"[CLS]\",\"EU\",\"la\",\"##mb\",\"[SEP]\",\"British\",\"call\",\"[SEP]\"]", row.GetProperty("tokens").GetRawText());
        Assert.Equal("[null,0,1,1,null,0,1,null]", row.GetProperty("word_ids").GetRawText());
        Assert.Equal("[0,0,0,0,0,1,1,1]", row.GetProperty("token_type_ids").GetRawText());
    }

    [Theory]
    [InlineData("--split-into-words", "[\"a\"]\n[\"a\", 3]", "stdin line 2: the line[1] must be a string, not a JSON number")]
    [InlineData("--split-into-words", "\"a b\"", "stdin line 1: the line must be an array of words (strings), not a JSON string")]
    [InlineData("--pair", "{\"text\": \"a\", \"text_pair\": \"b\"}\n{\"text\": \"a\"}", "stdin line 2: field 'text_pair' is missing")]
    [InlineData("--pair --split-into-words", "{\"text\": [\"a\"], \"text_pair\": \"b\"}", "stdin line 1: field 'text_pair' must be an array of words (strings), not a JSON string")]
    [InlineData("--pair", "[\"a\", \"b\"]", "stdin line 1: the line is a JSON array; with --pair")]
    [InlineData("--pair", "{\"text\": \"a\", \"text_pair\": \"b\"}\n\n", "stdin line 2: not valid JSON")]
    [InlineData("", "\"ok\"\n{\"text\": \"a\"\n", "stdin line 2: not valid JSON")]
    public void Bad_json_lines_are_errors_naming_the_line_and_field(string flags, string stdin, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Invoke($"tokenize --tokenizer {CasedTokenizer} {flags} --input-format json --json".Replace("  ", " "), stdin));
        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void An_unknown_input_format_is_refused()
    {
        var root = new RootCommand();
        root.Subcommands.Add(TokenizeCommand.Create());
        var parse = root.Parse(["tokenize", "--tokenizer", CasedTokenizer, "--input-format", "yaml"]);
        var error = Assert.Throws<ArgumentException>(() => TokenizeCommand.Bind(parse));
        Assert.Contains("--input-format must be text or json", error.Message);
    }

    [Fact]
    public void A_t5_tokenizer_folder_encodes_pairs_as_t5_does_and_the_table_points_into_each_text()
    {
        var t5 = Orchestrator.Coordinator.Run.DefaultRun.BundledT5Tokenizer;
        var tokenizer = Orchestrator.Shared.Text.T5Tokenizer.Load(t5);
        const string context = "Ana lives in Tirel, a town by the sea.", question = "Where does Ana live?";
        var json = JsonDocument.Parse(Invoke($"tokenize --tokenizer {t5} --pair --truncation only_first --max-length 24 --json", $"{context}\t{question}\n").Trim()).RootElement;
        var expected = tokenizer.Encode(context, question, 24, Orchestrator.Shared.Text.TruncationStrategy.OnlyFirst);
        Assert.Equal(expected.InputIds, json.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(24, expected.Length);
        // context </s> question </s>: the question whole, the context cut.
        var questionIds = tokenizer.Encode(question).InputIds;
        Assert.Equal(questionIds, expected.InputIds[^questionIds.Length..]);
        Assert.Equal(1, expected.InputIds[24 - questionIds.Length - 1]);

        var table = Invoke($"tokenize --tokenizer {t5} --pair", $"{context}\t{question}\n");
        var rows = table.Split('\n').Where(l => l.Contains("▁Wh") || l.Contains("▁T")).ToList();
        Assert.Contains(rows, r => r.TrimEnd().EndsWith("Wh"));
    }

    private static string Invoke(string commandLine, string stdin)
    {
        var root = new RootCommand();
        root.Subcommands.Add(TokenizeCommand.Create());
        var parse = root.Parse(commandLine.Split(' '));
        Assert.Empty(parse.Errors);
        var output = new StringWriter();
        Assert.Equal(0, TokenizeCommand.Run(TokenizeCommand.Bind(parse), new StringReader(stdin), output));
        return output.ToString();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new InvalidOperationException("Orchestrator.sln not found");
    }
}
