using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Generation;

/// <summary>
/// A model folder's generation defaults, as transformers finds them for <c>generate</c>: generation_config.json when
/// the folder has one (GenerationConfig.from_pretrained), else the generation fields of config.json
/// (GenerationConfig.from_model_config); a field absent from the file takes generate's default.
/// <see cref="Ignored"/> lists the fields set to something this generator does not do (sampling, several returned
/// sequences, ...), so a caller can say that they were not applied.
/// </summary>
public sealed record GenerationDefaults(GenerationOptions Options, string Source, IReadOnlyList<string> Ignored);

public static class GenerationConfigFile
{
    public const string FileName = "generation_config.json";

    /// <summary>Fields of GenerationConfig we do not implement, with the value that means "off" (null: absent or null is off).</summary>
    private static readonly (string Field, JsonNode? Off)[] Unsupported =
    [
        ("do_sample", false), ("num_return_sequences", 1), ("num_beam_groups", 1), ("diversity_penalty", 0.0),
        ("min_length", 0), ("min_new_tokens", null), ("repetition_penalty", 1.0), ("encoder_repetition_penalty", 1.0),
        ("encoder_no_repeat_ngram_size", 0), ("bad_words_ids", null), ("force_words_ids", null), ("forced_bos_token_id", null),
        ("forced_eos_token_id", null), ("suppress_tokens", null), ("begin_suppress_tokens", null), ("max_time", null),
        ("exponential_decay_length_penalty", null), ("constraints", null), ("penalty_alpha", null),
    ];

    /// <summary>
    /// Reads <paramref name="folder"/>'s generation_config.json, or its config.json when there is none. A field of
    /// the wrong type or out of range is a <see cref="ModelConfigException"/> naming the file and field.
    /// </summary>
    public static GenerationDefaults Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) path = Path.Combine(folder, ModelConfig.FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{folder}: neither {FileName} nor {ModelConfig.FileName} is in this folder", path);
        return FromJson(ConfigJsonReader.ReadObject(path), path);
    }

    public static GenerationDefaults FromJson(JsonObject obj, string path)
    {
        var r = new ConfigJsonReader(obj, path);
        var options = new GenerationOptions
        {
            NumBeams = r.Int("num_beams") ?? 1,
            NoRepeatNgramSize = r.Int("no_repeat_ngram_size") ?? 0,
            MaxLength = r.Int("max_length") ?? 20,
            MaxNewTokens = r.Int("max_new_tokens"),
            LengthPenalty = r.Double("length_penalty") ?? 1.0,
            EarlyStopping = EarlyStoppingField(obj, path),
        };
        if (options.NumBeams < 1) throw new ModelConfigException(path, "num_beams", $"must be at least 1, got {options.NumBeams}");
        if (options.NoRepeatNgramSize < 0) throw new ModelConfigException(path, "no_repeat_ngram_size", $"must be 0 (off) or positive, got {options.NoRepeatNgramSize}");
        if (options.MaxNewTokens is < 1) throw new ModelConfigException(path, "max_new_tokens", $"must be at least 1, got {options.MaxNewTokens}");
        if (options.MaxNewTokens is null && options.MaxLength < 2)
            throw new ModelConfigException(path, "max_length", $"must be at least 2 (the start token and one generated token), got {options.MaxLength}");
        if (!double.IsFinite(options.LengthPenalty)) throw new ModelConfigException(path, "length_penalty", $"must be a finite number, got {options.LengthPenalty}");
        var ignored = Unsupported
            .Where(u => obj[u.Field] is { } value && value.GetValueKind() != JsonValueKind.Null && !(u.Off is not null && SameNumberOrBool(value, u.Off)))
            .Select(u => $"{u.Field} {obj[u.Field]!.ToJsonString()}")
            .ToList();
        return new GenerationDefaults(options, path, ignored);
    }

    // early_stopping is true, false or the string "never" in transformers.
    private static EarlyStopping EarlyStoppingField(JsonObject obj, string path) => obj["early_stopping"] switch
    {
        null => EarlyStopping.False,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => EarlyStopping.False,
        JsonValue v when v.GetValueKind() == JsonValueKind.True => EarlyStopping.True,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => EarlyStopping.False,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "never" => EarlyStopping.Never,
        var other => throw new ModelConfigException(path, "early_stopping", $"must be true, false or \"never\", got {other.ToJsonString()}"),
    };

    private static bool SameNumberOrBool(JsonNode value, JsonNode off) => (value.GetValueKind(), off.GetValueKind()) switch
    {
        (JsonValueKind.Number, JsonValueKind.Number) => Number(value) == Number(off),
        (JsonValueKind.True or JsonValueKind.False, JsonValueKind.True or JsonValueKind.False) => value.GetValueKind() == off.GetValueKind(),
        _ => false,
    };

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
}
