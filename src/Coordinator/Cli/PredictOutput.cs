using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Orchestrator.Shared.Pipelines;
using Orchestrator.Worker.Inference;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// How `orchestrator predict` prints answers: with --json one JSON value per input line, shaped as the Hugging
/// Face pipelines return them; otherwise a short readable block per line.
/// </summary>
public static class PredictOutput
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// An array of entities: entity, score, index, word, start, end for the none strategy; entity_group, score,
    /// word, start, end otherwise.
    /// </summary>
    public static string EntitiesJson(IReadOnlyList<Entity> entities, AggregationStrategy strategy)
    {
        var rows = entities.Select(e => strategy == AggregationStrategy.None
            ? new Dictionary<string, object> { ["entity"] = e.Label, ["score"] = e.Score, ["index"] = e.Index!, ["word"] = e.Word, ["start"] = e.Start, ["end"] = e.End }
            : new Dictionary<string, object> { ["entity_group"] = e.Label, ["score"] = e.Score, ["word"] = e.Word, ["start"] = e.Start, ["end"] = e.End });
        return JsonSerializer.Serialize(rows, Json);
    }

    /// <summary>
    /// {label, score} for the best label; an array of them with a top k. An input that was cut carries a
    /// "truncated" field (on every element of an array) saying what was kept of each side.
    /// </summary>
    public static string LabelsJson(TextClassificationResult result, bool topK)
    {
        object? truncated = result.Truncated.Count == 0 ? null : result.Truncated.Select(t => new Dictionary<string, object>
        {
            ["side"] = t.Side, ["kept_characters"] = t.KeptCharacters, ["characters"] = t.TotalCharacters,
            ["kept_tokens"] = t.KeptTokens, ["dropped_tokens"] = t.DroppedTokens,
        }).ToList();
        var rows = result.Labels.Select(l =>
        {
            var row = new Dictionary<string, object> { ["label"] = l.Label, ["score"] = l.Score };
            if (truncated is not null) row["truncated"] = truncated;
            return row;
        }).ToList();
        return topK ? JsonSerializer.Serialize(rows, Json) : JsonSerializer.Serialize(rows[0], Json);
    }

    public static void WriteEntities(TextWriter output, int line, TokenClassificationResult result)
    {
        var chunks = result.Chunks > 1 ? $" (read in {result.Chunks} overlapping chunks)" : "";
        output.WriteLine($"line {line}: {result.Entities.Count} {(result.Entities.Count == 1 ? "entity" : "entities")}{chunks}");
        foreach (var e in result.Entities)
        {
            var index = e.Index is int i ? $"  token {i}" : "";
            output.WriteLine($"  {e.Label,-10} {Score(e.Score)}  {e.Start,5}-{e.End,-5}  {e.Word}{index}");
        }
    }

    public static void WriteLabels(TextWriter output, int line, TextClassificationResult result)
    {
        if (result.Labels.Count == 1)
        {
            output.WriteLine($"line {line}: {result.Labels[0].Label} {Score(result.Labels[0].Score)}");
            return;
        }
        output.WriteLine($"line {line}:");
        foreach (var l in result.Labels) output.WriteLine($"  {l.Label,-12} {Score(l.Score)}");
    }

    /// <summary>The plain warning for an input a sequence classifier could not read whole.</summary>
    public static string TruncationWarning(int line, int maxLength, Truncation t) =>
        $"predict: line {line}: {t.Side} cut to fit the model's {maxLength} tokens: kept its first {t.KeptCharacters} of " +
        $"{t.TotalCharacters} characters ({t.KeptTokens} tokens), dropped {t.DroppedTokens} tokens";

    private static string Score(float score) => score.ToString("0.0000", CultureInfo.InvariantCulture);
}
