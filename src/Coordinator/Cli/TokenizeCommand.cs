using System.CommandLine;
using System.Text.Json;
using Orchestrator.Shared.Text;

namespace Orchestrator.Coordinator.Cli;

/// <summary>What `orchestrator tokenize` was asked to do.</summary>
public sealed record TokenizeSettings(string TokenizerPath, bool Pair, bool SplitIntoWords, int? MaxLength, TruncationStrategy Truncation, bool Json,
    TokenizeInputFormat InputFormat = TokenizeInputFormat.Text);

/// <summary>
/// `orchestrator tokenize`: reads lines from stdin and prints tokens, ids, word ids and offsets, as a table per
/// line or one JSON object per line. --pair: each line is two texts separated by a tab; --split-into-words: each
/// line is whitespace-separated words (is_split_into_words). With --input-format json each line is a JSON value
/// instead (<see cref="TokenizeInputLine"/>), so words may hold spaces and texts tabs. The format is a flag, not
/// guessed: a text line may well start with '[' or '{' ("[CLS] ..."). Offsets are UTF-16 indices into the text
/// (into the word with --split-into-words).
/// </summary>
public static class TokenizeCommand
{
    private static readonly Option<string> TokenizerOption = new("--tokenizer")
    {
        Description = "Tokenizer folder (tokenizer.json, vocab.txt or T5's spiece.model, with tokenizer_config.json), or one of those files",
        Required = true,
    };
    private static readonly Option<bool> PairOption = new("--pair") { Description = "Each line holds two texts separated by a tab" };
    private static readonly Option<bool> WordsOption = new("--split-into-words") { Description = "Each line holds pre-tokenized words separated by whitespace" };
    private static readonly Option<int?> MaxLengthOption = new("--max-length") { Description = "Truncate to this many tokens, special tokens included" };
    private static readonly Option<string> TruncationOption = new("--truncation")
    {
        Description = "Pair truncation: longest_first, only_first or only_second",
        DefaultValueFactory = _ => "longest_first",
    };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print one JSON object per line" };
    private static readonly Option<string> InputFormatOption = new("--input-format")
    {
        Description = "text: --pair splits on a tab, --split-into-words on whitespace; json: one JSON value per line " +
            "(a string or an array of words; with --pair {\"text\": ..., \"text_pair\": ...})",
        DefaultValueFactory = _ => "text",
    };

    public static Command Create()
    {
        var command = new Command("tokenize", "Tokenize lines from standard input with a BERT WordPiece tokenizer");
        foreach (var option in new Option[] { TokenizerOption, PairOption, WordsOption, MaxLengthOption, TruncationOption, JsonOption, InputFormatOption })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            try
            {
                return Run(Bind(parse), Console.In, Console.Out);
            }
            catch (Exception e) when (e is FormatException or IOException or ArgumentException)
            {
                Console.Error.WriteLine($"tokenize: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    public static TokenizeSettings Bind(ParseResult parse)
    {
        var truncation = parse.GetValue(TruncationOption) switch
        {
            "longest_first" => TruncationStrategy.LongestFirst,
            "only_first" => TruncationStrategy.OnlyFirst,
            "only_second" => TruncationStrategy.OnlySecond,
            var other => throw new ArgumentException($"--truncation must be longest_first, only_first or only_second, not '{other}'"),
        };
        var inputFormat = parse.GetValue(InputFormatOption) switch
        {
            "text" => TokenizeInputFormat.Text,
            "json" => TokenizeInputFormat.Json,
            var other => throw new ArgumentException($"--input-format must be text or json, not '{other}'"),
        };
        return new TokenizeSettings(parse.GetValue(TokenizerOption)!, parse.GetValue(PairOption), parse.GetValue(WordsOption),
            parse.GetValue(MaxLengthOption), truncation, parse.GetValue(JsonOption), inputFormat);
    }

    /// <summary>Tokenizes every line of <paramref name="input"/>; returns the exit code.</summary>
    public static int Run(TokenizeSettings settings, TextReader input, TextWriter output)
    {
        // WordPiece (vocab.txt, tokenizer.json) or T5's SentencePiece Unigram (spiece.model, a Unigram tokenizer.json).
        var tokenizer = TokenizerLoader.Load(settings.TokenizerPath);
        int lineNumber = 0;
        for (string? line; (line = input.ReadLine()) is not null; )
        {
            lineNumber++;
            var parsed = settings.InputFormat == TokenizeInputFormat.Json
                ? TokenizeInputLine.FromJson(line, lineNumber, settings.Pair, settings.SplitIntoWords)
                : FromText(line, lineNumber, settings.Pair, settings.SplitIntoWords);
            string[] texts;
            Encoding encoding;
            if (settings.SplitIntoWords)
            {
                encoding = tokenizer is BertTokenizer bert ? bert.EncodeWordsPair(parsed.Words!, parsed.PairWords, settings.MaxLength, settings.Truncation)
                    : parsed.PairWords is null ? tokenizer.EncodeWords(parsed.Words!, settings.MaxLength)
                    : throw new FormatException($"{settings.TokenizerPath}: --split-into-words with --pair needs a WordPiece tokenizer");
                texts = [];
            }
            else
            {
                texts = settings.Pair ? [parsed.Text!, parsed.PairText!] : [parsed.Text!];
                encoding = tokenizer.Encode(parsed.Text!, parsed.PairText, settings.MaxLength, settings.Truncation);
            }
            if (settings.Json) WriteJson(output, encoding);
            else WriteTable(output, lineNumber, encoding, texts);
        }
        return 0;
    }

    /// <summary>A plain-text line: two texts split on the first tab with --pair; words split on whitespace with --split-into-words.</summary>
    private static TokenizeInputLine FromText(string line, int lineNumber, bool pair, bool words)
    {
        var sides = pair ? SplitPair(line, lineNumber) : [line];
        string[] Words(string side) => side.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words
            ? new TokenizeInputLine(null, Words(sides[0]), null, pair ? Words(sides[1]) : null)
            : new TokenizeInputLine(sides[0], null, pair ? sides[1] : null, null);
    }

    private static string[] SplitPair(string line, int lineNumber)
    {
        int tab = line.IndexOf('\t');
        if (tab < 0) throw new FormatException($"stdin line {lineNumber}: --pair expects two texts separated by a tab");
        return [line[..tab], line[(tab + 1)..]];
    }

    private static void WriteJson(TextWriter output, Encoding encoding)
    {
        var row = new Dictionary<string, object>
        {
            ["tokens"] = encoding.Tokens,
            ["input_ids"] = encoding.InputIds,
            ["token_type_ids"] = encoding.TokenTypeIds,
            ["attention_mask"] = encoding.AttentionMask,
            ["word_ids"] = encoding.WordIds,
            ["offsets"] = encoding.Offsets.Select(o => new[] { o.Start, o.End }).ToArray(),
        };
        output.WriteLine(JsonSerializer.Serialize(row, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteTable(TextWriter output, int lineNumber, Encoding encoding, string[] texts)
    {
        output.WriteLine($"line {lineNumber}: {encoding.Length} tokens");
        output.WriteLine($"{"#",4}  {"token",-16} {"id",7} {"type",4} {"word",4}  {"offsets",-9}  text");
        // A pair's side changes at the special token that closes the first text ([SEP] for BERT, </s> for T5, whose
        // token type ids are all 0), so offsets index the right text.
        int side = 0;
        bool sideHasWords = false;
        for (int i = 0; i < encoding.Length; i++)
        {
            var (start, end) = encoding.Offsets[i];
            string word = encoding.WordIds[i]?.ToString() ?? "-";
            string source = "";
            if (encoding.WordIds[i] is null)
            {
                if (sideHasWords) (side, sideHasWords) = (Math.Min(side + 1, Math.Max(0, texts.Length - 1)), false);
            }
            else if (texts.Length > 0)
            {
                sideHasWords = true;
                var text = texts[side];
                if (end <= text.Length) source = text[start..end];
            }
            output.WriteLine($"{i,4}  {encoding.Tokens[i],-16} {encoding.InputIds[i],7} {encoding.TokenTypeIds[i],4} {word,4}  {$"{start}-{end}",-9}  {source}");
        }
        output.WriteLine();
    }
}
