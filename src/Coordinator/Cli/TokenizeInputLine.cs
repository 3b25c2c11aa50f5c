using System.Text.Json;

namespace Orchestrator.Coordinator.Cli;

/// <summary>How `orchestrator tokenize` reads each line of standard input (--input-format).</summary>
public enum TokenizeInputFormat
{
    /// <summary>Plain text: --pair splits on the first tab, --split-into-words on whitespace.</summary>
    Text,
    /// <summary>One JSON value per line (JSON lines): a string or word array, or with --pair an object
    /// {"text": ..., "text_pair": ...}. A word may then contain spaces, and a text may contain tabs.</summary>
    Json,
}

/// <summary>One input line, parsed: the first side and, with --pair, the second; each a text or a list of words.</summary>
public sealed record TokenizeInputLine(string? Text, string[]? Words, string? PairText, string[]? PairWords)
{
    /// <summary>Parses one JSON line. Errors name the line and the field, as FormatException.</summary>
    public static TokenizeInputLine FromJson(string line, int lineNumber, bool pair, bool words)
    {
        string Where(string field) => $"stdin line {lineNumber}: {field}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new FormatException($"stdin line {lineNumber}: not valid JSON ({e.Message}); --input-format json expects {Expected(pair, words)} per line");
        }
        using (document)
        {
            var root = document.RootElement;
            if (!pair)
            {
                // A bare string / array, or the same object form as pairs without "text_pair".
                var value = root.ValueKind == JsonValueKind.Object ? Field(root, "text", Where) : root;
                var name = root.ValueKind == JsonValueKind.Object ? "field 'text'" : "the line";
                return words ? new(null, WordsOf(value, Where(name)), null, null) : new(TextOf(value, Where(name)), null, null, null);
            }
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{Where("the line")} is a JSON {Kind(root)}; with --pair --input-format json expects {Expected(pair, words)}");
            var first = Field(root, "text", Where);
            var second = Field(root, "text_pair", Where);
            return words
                ? new(null, WordsOf(first, Where("field 'text'")), null, WordsOf(second, Where("field 'text_pair'")))
                : new(TextOf(first, Where("field 'text'")), null, TextOf(second, Where("field 'text_pair'")), null);
        }
    }

    private static string Expected(bool pair, bool words) => (pair, words) switch
    {
        (false, false) => "a JSON string (or {\"text\": \"...\"})",
        (false, true) => "a JSON array of words (or {\"text\": [...]})",
        (true, false) => "an object {\"text\": \"...\", \"text_pair\": \"...\"}",
        (true, true) => "an object {\"text\": [words], \"text_pair\": [words]}",
    };

    private static JsonElement Field(JsonElement obj, string name, Func<string, string> where) =>
        obj.TryGetProperty(name, out var value) ? value : throw new FormatException($"{where($"field '{name}'")} is missing");

    private static string TextOf(JsonElement value, string where) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw new FormatException($"{where} must be a string, not a JSON {Kind(value)}");

    private static string[] WordsOf(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new FormatException($"{where} must be an array of words (strings), not a JSON {Kind(value)}");
        var result = new string[value.GetArrayLength()];
        int i = 0;
        foreach (var word in value.EnumerateArray())
        {
            if (word.ValueKind != JsonValueKind.String)
                throw new FormatException($"{where}[{i}] must be a string, not a JSON {Kind(word)}");
            result[i++] = word.GetString()!;
        }
        return result;
    }

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
}
