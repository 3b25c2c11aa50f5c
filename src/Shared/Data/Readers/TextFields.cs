using System.Text.Json;

namespace Orchestrator.Shared.Data.Readers;

/// <summary>The text fields of classification and sequence-to-sequence records, checked the same way in every format.</summary>
internal static class TextFields
{
    /// <summary>A text that is not empty or blank, or an error naming the file, line and field.</summary>
    public static string NonEmpty(string path, int line, string field, string value) =>
        value.Trim().Length > 0 ? value : throw new DataFormatException(path, line, field, "empty text");

    /// <summary>A JSON record's string field, present and not blank.</summary>
    public static string FromJson(string path, int line, JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new DataFormatException(path, line, field, "missing");
        if (value.ValueKind != JsonValueKind.String)
            throw new DataFormatException(path, line, field, $"expected a string, found {value.ValueKind}");
        return NonEmpty(path, line, field, value.GetString()!);
    }
}
