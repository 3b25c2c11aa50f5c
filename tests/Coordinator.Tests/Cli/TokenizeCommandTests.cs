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
