using System.Text.Json;

namespace Orchestrator.Shared.Text.SentencePiece;

/// <summary>
/// Reads T5Tokenizer's fields of tokenizer_config.json and special_tokens_map.json in a model folder
/// (special tokens of special_tokens_map.json win, as in `from_pretrained`).
/// </summary>
internal static class T5TokenizerConfigFile
{
    public static (T5TokenizerOptions Options, List<string> FilesRead) Read(string folder)
    {
        var options = new T5TokenizerOptions();
        var read = new List<string>();
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            options = Apply(configPath, options, isConfig: true);
            read.Add(configPath);
        }
        var mapPath = Path.Combine(folder, "special_tokens_map.json");
        if (File.Exists(mapPath))
        {
            options = Apply(mapPath, options, isConfig: false);
            read.Add(mapPath);
        }
        return (options, read);
    }

    private static T5TokenizerOptions Apply(string path, T5TokenizerOptions options, bool isConfig)
    {
        using var document = Json.Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: the top level must be a JSON object");
        options = options with
        {
            EosToken = Json.TokenName(root, "eos_token", path) ?? options.EosToken,
            UnkToken = Json.TokenName(root, "unk_token", path) ?? options.UnkToken,
            PadToken = Json.TokenName(root, "pad_token", path) ?? options.PadToken,
        };
        if (root.TryGetProperty("additional_special_tokens", out var additional) && additional.ValueKind == JsonValueKind.Array)
        {
            var tokens = new List<string>();
            int index = 0;
            foreach (var item in additional.EnumerateArray())
            {
                var field = $"additional_special_tokens[{index++}]";
                tokens.Add(item.ValueKind == JsonValueKind.String ? item.GetString()!
                    : item.ValueKind == JsonValueKind.Object && item.TryGetProperty("content", out var content) ? Json.String(content, field + ".content", path)
                    : throw new FormatException($"{path}: {field} must be a string or an object with \"content\""));
            }
            options = options with { AdditionalSpecialTokens = tokens };
        }
        if (!isConfig) return options;

        if (root.TryGetProperty("extra_ids", out var extra) && extra.ValueKind != JsonValueKind.Null)
        {
            int extraIds = Json.Int(extra, "extra_ids", path);
            if (extraIds < 0) throw new FormatException($"{path}: extra_ids must be >= 0, not {extraIds}");
            options = options with { ExtraIds = extraIds };
        }
        if (Json.OptionalBool(root, "clean_up_tokenization_spaces", path) is bool cleanUp) options = options with { CleanUpTokenizationSpaces = cleanUp };
        if (root.TryGetProperty("model_max_length", out var max) && max.ValueKind == JsonValueKind.Number)
        {
            double value = max.GetDouble();   // models without a limit store 1e30
            options = options with { ModelMaxLength = value >= int.MaxValue ? null : (int)value };
        }
        if (Json.OptionalBool(root, "legacy", path) == false)
            throw new FormatException($"{path}: legacy is false; only the legacy T5Tokenizer behaviour (every stretch between added tokens gets its own \"▁\" prefix) is supported");
        if (root.TryGetProperty("sp_model_kwargs", out var kwargs) && kwargs.ValueKind == JsonValueKind.Object &&
            kwargs.TryGetProperty("enable_sampling", out var sampling) && sampling.ValueKind == JsonValueKind.True)
            throw new FormatException($"{path}: sp_model_kwargs.enable_sampling is true; subword sampling is not supported");
        return options;
    }
}
