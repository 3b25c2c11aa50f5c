using System.Text.Json;
using Orchestrator.Coordinator.Run;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// One input of `orchestrator generate` and the line it came from: a question (<see cref="Question"/> set, then
/// <see cref="Text"/> is its context) or a lone text.
/// </summary>
public sealed record GenerateInput(int Line, string Text, string? Question)
{
    /// <summary>The JSON field <see cref="Text"/> came from, for messages.</summary>
    public string TextField => Question is null ? "text" : "context";
}

/// <summary>
/// Reads generate's input, one JSON object per line: <c>{"context": ..., "question": ...}</c> (the seq2seq task's
/// input columns; a "text" field beside them is the dataset's answer and is ignored) or <c>{"text": ...}</c>.
/// Other fields are ignored. Bad lines are a <see cref="RunInputException"/> naming the source, the line and the field.
/// </summary>
public static class GenerateInputReader
{
    public static IEnumerable<GenerateInput> Read(TextReader reader, string source)
    {
        int number = 0;
        for (string? line; (line = reader.ReadLine()) is not null; )
        {
            number++;
            yield return Parse(line, number, source);
        }
    }

    public static GenerateInput Parse(string line, int number, string source)
    {
        var where = $"{source} line {number}";
        if (string.IsNullOrWhiteSpace(line))
            throw new RunInputException($"{where}: empty line; each line must be a JSON object with \"context\" and \"question\", or with \"text\"");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException error)
        {
            throw new RunInputException($"{where}: not valid JSON ({error.Message})", error);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new RunInputException($"{where}: a line must be a JSON object with \"context\" and \"question\", or with \"text\" (got {root.ValueKind.ToString().ToLowerInvariant()})");
            var context = StringField(root, "context", where);
            var question = StringField(root, "question", where);
            if (context is not null || question is not null)
            {
                if (context is null) throw new RunInputException($"{where}: field \"context\" is missing (a question needs its context)");
                if (question is null) throw new RunInputException($"{where}: field \"question\" is missing (a context needs its question)");
                return new GenerateInput(number, context, question);
            }
            var text = StringField(root, "text", where)
                ?? throw new RunInputException($"{where}: field \"text\" is missing (give \"context\" and \"question\", or \"text\")");
            return new GenerateInput(number, text, null);
        }
    }

    private static string? StringField(JsonElement root, string name, string where)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new RunInputException($"{where}: field \"{name}\" must be a string, got {value.GetRawText()}");
        return value.GetString();
    }
}
