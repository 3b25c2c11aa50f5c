using System.Text.Json;

namespace Orchestrator.Shared.Text;

/// <summary>Reads the BERT fields of a Hugging Face tokenizer_config.json.</summary>
internal static class TokenizerConfigFile
{
    /// <summary>Options from the config; fields it does not set keep their value in <paramref name="baseOptions"/>.</summary>
    public static BertTokenizerOptions Apply(string path, BertTokenizerOptions baseOptions)
    {
        using var document = Json.Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: the top level must be a JSON object");
        var normalizer = baseOptions.Normalizer;
        var options = baseOptions;
        if (Json.OptionalBool(root, "do_lower_case", path) is bool lower) normalizer = normalizer with { Lowercase = lower };
        if (root.TryGetProperty("strip_accents", out var strip))
            normalizer = normalizer with { StripAccents = strip.ValueKind == JsonValueKind.Null ? null : Json.Bool(strip, "strip_accents", path) };
        if (Json.OptionalBool(root, "tokenize_chinese_chars", path) is bool chinese) normalizer = normalizer with { HandleChineseChars = chinese };
        if (Json.OptionalBool(root, "clean_up_tokenization_spaces", path) is bool cleanUp) options = options with { CleanUpTokenizationSpaces = cleanUp };
        if (root.TryGetProperty("model_max_length", out var max) && max.ValueKind == JsonValueKind.Number)
        {
            // Models without a limit store 1e30 here.
            double value = max.GetDouble();
            options = options with { ModelMaxLength = value >= int.MaxValue ? null : (int)value };
        }
        options = options with
        {
            Normalizer = normalizer,
            UnkToken = Json.TokenName(root, "unk_token", path) ?? options.UnkToken,
            SepToken = Json.TokenName(root, "sep_token", path) ?? options.SepToken,
            PadToken = Json.TokenName(root, "pad_token", path) ?? options.PadToken,
            ClsToken = Json.TokenName(root, "cls_token", path) ?? options.ClsToken,
            MaskToken = Json.TokenName(root, "mask_token", path) ?? options.MaskToken,
        };
        return options;
    }
}

/// <summary>Small System.Text.Json helpers whose errors name the file and the field.</summary>
internal static class Json
{
    public static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: line {e.LineNumber + 1}: invalid JSON: {e.Message}", e);
        }
    }

    public static bool Bool(JsonElement value, string field, string path) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException($"{path}: {field} must be true or false, not {value.ValueKind}"),
    };

    public static bool? OptionalBool(JsonElement obj, string name, string path, string? fieldPath = null) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Bool(value, fieldPath ?? name, path) : null;

    public static int Int(JsonElement value, string field, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result
            : throw new FormatException($"{path}: {field} must be an integer, not {value}");

    public static string String(JsonElement value, string field, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{path}: {field} must be a string, not {value.ValueKind}");

    public static JsonElement Required(JsonElement obj, string name, string field, string path) =>
        obj.TryGetProperty(name, out var value) ? value : throw new FormatException($"{path}: {field} is missing");

    /// <summary>A special token given as a string or as an AddedToken object with `content`.</summary>
    public static string? TokenName(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content)) return String(content, name + ".content", path);
        throw new FormatException($"{path}: {name} must be a string or an object with \"content\"");
    }
}
