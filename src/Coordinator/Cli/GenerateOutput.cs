using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// How `orchestrator generate` prints an answer: with --json <c>{"text": ..., "ids": [...]}</c> on one line;
/// otherwise the text alone, on one line (line breaks in it become spaces, so line n answers input line n).
/// </summary>
public static class GenerateOutput
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(string text, IReadOnlyList<int> ids) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["text"] = text, ["ids"] = ids }, Options);

    public static string Plain(string text) => text.ReplaceLineEndings(" ");
}
