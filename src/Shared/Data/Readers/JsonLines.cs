using System.Text.Json;

namespace Orchestrator.Shared.Data.Readers;

/// <summary>Parses JSON Lines records one by one, skipping blank lines; errors name the line.</summary>
internal static class JsonLines
{
    public readonly record struct Record(int Line, JsonElement? Root, DataFormatException? Error);

    public static IEnumerable<Record> Read(string path)
    {
        bool any = false;
        foreach (var raw in StrictLineReader.Read(path))
        {
            if (raw.Error is not null)
            {
                yield return new Record(raw.Number, null, raw.Error);
                continue;
            }
            if (raw.Text!.Trim().Length == 0)
                continue;
            any = true;
            JsonElement? root;
            DataFormatException? error = null;
            try
            {
                using var document = JsonDocument.Parse(raw.Text);
                root = document.RootElement.Clone();
                if (root.Value.ValueKind != JsonValueKind.Object)
                    error = new DataFormatException(path, raw.Number, "json", $"expected an object, found {root.Value.ValueKind}");
            }
            catch (JsonException e)
            {
                root = null;
                error = new DataFormatException(path, raw.Number, "json", $"invalid JSON: {e.Message}", e);
            }
            yield return new Record(raw.Number, error is null ? root : null, error);
        }
        if (!any)
            throw new DataFormatException(path, 0, "file", "has no records");
    }

    /// <summary>A label value: a string, or an integer id looked up in <paramref name="labels"/>.</summary>
    public static string LabelValue(string path, int line, string field, JsonElement value, LabelSet? labels)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var name = value.GetString()!;
                if (labels is not null && !labels.Contains(name))
                    throw new DataFormatException(path, line, field, $"unknown label '{name}' (known: {labels})");
                return name;
            case JsonValueKind.Number when value.TryGetInt32(out var id):
                if (labels is null)
                    return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (id < 0 || id >= labels.Count)
                    throw new DataFormatException(path, line, field, $"unknown label id {id}: the label set has {labels.Count} labels ({labels})");
                return labels[id];
            default:
                throw new DataFormatException(path, line, field, $"expected a label name or integer id, found {value.ValueKind} {value.GetRawText()}");
        }
    }
}
