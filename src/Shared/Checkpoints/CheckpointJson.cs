using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Shared.Checkpoints;

/// <summary>JSON settings for checkpoint files: snake_case names like Hugging Face's trainer_state.json.</summary>
public static class CheckpointJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>Reads and parses a JSON file; any failure names the file and the JSON path.</summary>
    public static T Read<T>(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read: {ex.Message}", ex);
        }
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Options)
                   ?? throw new InvalidDataException($"{path}: the file holds JSON null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(
                $"{path}: invalid JSON at line {ex.LineNumber + 1}, field '{ex.Path}': {ex.Message}", ex);
        }
    }

    public static byte[] ToBytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}
