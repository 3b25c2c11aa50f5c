using System.Text.Json;
using Orchestrator.Coordinator.Run;

namespace Orchestrator.Coordinator.Cli;

/// <summary>One input of `orchestrator predict`: a text, a text pair's second text, and the line it came from.</summary>
public sealed record PredictInput(int Line, string Text, string? TextPair);

/// <summary>
/// Reads predict's input, one input per line: a line whose first non-blank character is `{` is a JSON object
/// with "text" and an optional "text_pair" (the pipeline's dict input); otherwise the line is the text, or with
/// --pair the two texts separated by the first tab. Bad lines are a <see cref="RunInputException"/> naming the
/// source, the line and the field.
/// </summary>
public static class PredictInputReader
{
    public static IEnumerable<PredictInput> Read(TextReader reader, string source, bool pair)
    {
        int number = 0;
        for (string? line; (line = reader.ReadLine()) is not null; )
        {
            number++;
            yield return Parse(line, number, source, pair);
        }
    }

    public static PredictInput Parse(string line, int number, string source, bool pair)
    {
        if (line.TrimStart().StartsWith('{')) return ParseJson(line, number, source);
        if (!pair) return new PredictInput(number, line, null);
        int tab = line.IndexOf('\t');
        if (tab < 0) throw new RunInputException($"{source} line {number}: --pair expects two texts separated by a tab (or a JSON object with \"text\" and \"text_pair\")");
        return new PredictInput(number, line[..tab], line[(tab + 1)..]);
    }

    private static PredictInput ParseJson(string line, int number, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException error)
        {
            throw new RunInputException($"{source} line {number}: not valid JSON ({error.Message})", error);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new RunInputException($"{source} line {number}: a JSON line must be an object with \"text\"");
            if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                throw new RunInputException($"{source} line {number}: field \"text\" must be a string");
            string? textPair = null;
            if (root.TryGetProperty("text_pair", out var pairValue) && pairValue.ValueKind != JsonValueKind.Null)
            {
                if (pairValue.ValueKind != JsonValueKind.String)
                    throw new RunInputException($"{source} line {number}: field \"text_pair\" must be a string");
                textPair = pairValue.GetString();
            }
            return new PredictInput(number, text.GetString()!, textPair);
        }
    }
}
