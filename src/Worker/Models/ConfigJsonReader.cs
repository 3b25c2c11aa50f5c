using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Worker.Models;

/// <summary>Reads typed fields, naming the file and field when a value has the wrong type.</summary>
internal sealed class ConfigJsonReader(JsonObject obj, string path)
{
    /// <summary>The top-level JSON object of a config.json, or an error naming the file.</summary>
    public static JsonObject ReadObject(string path)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ModelConfigException(path, "(file)", $"not valid JSON: {e.Message}"); }
        return node as JsonObject ?? throw new ModelConfigException(path, "(file)", "the top level must be a JSON object");
    }

    public static void Positive(string path, string field, long value)
    {
        if (value <= 0) throw new ModelConfigException(path, field, $"must be positive, got {value}");
    }

    private JsonValue? Value(string key) => obj[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v => v,
        _ => throw new ModelConfigException(path, key, "must be a single value, not an object or array"),
    };

    public string? String(string key) => Value(key) is { } v
        ? v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new ModelConfigException(path, key, $"must be a string, got {v.ToJsonString()}")
        : null;

    public int? Int(string key) => Value(key) is { } v
        ? v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i
          : v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue ? (int)d
          : throw new ModelConfigException(path, key, $"must be an integer, got {v.ToJsonString()}")
        : null;

    public double? Double(string key) => Value(key) is { } v
        ? v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
          : throw new ModelConfigException(path, key, $"must be a number, got {v.ToJsonString()}")
        : null;

    public bool? Bool(string key) => Value(key) is { } v
        ? v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : throw new ModelConfigException(path, key, $"must be true or false, got {v.ToJsonString()}")
        : null;

    public IReadOnlyList<string>? Strings(string key) => obj[key] switch
    {
        null => null,
        JsonArray a => a.Select((x, i) => x is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : throw new ModelConfigException(path, $"{key}[{i}]", "must be a string")).ToList(),
        _ => throw new ModelConfigException(path, key, "must be an array of strings"),
    };
}
