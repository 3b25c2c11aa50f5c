using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Worker.Models.T5;

/// <summary>
/// What `orchestrator init-model --arch t5` asks for. VocabSize null: the tokenizer's size, else T5's 32128.
/// DropoutRate: the config's dropout_rate (T5Config's 0.1 unless a caller asks otherwise).
/// </summary>
public sealed record T5RandomCheckpointRequest(string Size, string Variant, int? VocabSize, string? TokenizerFolder, string Output, long Seed,
    double DropoutRate = 0.1);

/// <summary>Writes a randomly initialised T5ForConditionalGeneration folder (config.json, model.safetensors, tokenizer files if given).</summary>
public static class T5RandomCheckpoint
{
    public static IReadOnlyList<string> Variants { get; } = ["v1.0", "v1.1"];

    /// <summary>(layers in each stack, d_model, heads, d_ff); d_kv = d_model / heads. "small" is t5-small's shape.</summary>
    public static IReadOnlyDictionary<string, (int Layers, int DModel, int Heads, int DFf)> Sizes { get; } =
        new Dictionary<string, (int, int, int, int)>
        {
            ["tiny"] = (2, 128, 2, 512),
            ["mini"] = (4, 256, 4, 1024),
            ["small"] = (6, 512, 8, 2048),
            ["base"] = (12, 768, 12, 3072),
        };

    public static T5Config Config(string size, string variant, int vocabSize, double dropoutRate = 0.1)
    {
        if (!Sizes.TryGetValue(size, out var s))
            throw new ArgumentException($"unknown size '{size}' (known: {string.Join(", ", Sizes.Keys)})", nameof(size));
        var config = variant switch
        {
            "v1.0" => T5Config.V10(vocabSize, s.DModel, s.DFf, s.Layers, s.Heads, dropoutRate),
            "v1.1" => T5Config.V11(vocabSize, s.DModel, s.DFf, s.Layers, s.Heads, dropoutRate),
            _ => throw new ArgumentException($"unknown T5 variant '{variant}' (known: {string.Join(", ", Variants)})", nameof(variant)),
        };
        config.Validate();
        return config;
    }

    public static T5ForConditionalGeneration Create(T5RandomCheckpointRequest request)
    {
        if (Directory.Exists(request.Output) && Directory.EnumerateFileSystemEntries(request.Output).Any())
            throw new IOException($"{request.Output} exists and is not empty: choose a new output folder");
        var tokenizerSize = request.TokenizerFolder is { } folder ? TokenizerIdCount(folder) : null;
        var vocabSize = request.VocabSize ?? tokenizerSize ?? 32128;
        if (tokenizerSize is { } needed && needed > vocabSize)
            throw new ArgumentException($"the tokenizer in {request.TokenizerFolder} has {needed} ids but --vocab-size is {vocabSize}: the embedding needs a row for every id");
        var config = Config(request.Size, request.Variant, vocabSize, request.DropoutRate);
        var model = T5Pretrained.CreateRandom(config, request.Seed);
        try
        {
            T5Pretrained.Save(model, request.Output, request.TokenizerFolder);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The number of ids of the tokenizer.json in <paramref name="folder"/> (its pieces and added tokens), or null
    /// when the folder has no tokenizer.json (a spiece.model alone is not read here).
    /// </summary>
    public static int? TokenizerIdCount(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"tokenizer folder {folder} does not exist");
        var path = Path.Combine(folder, TokenizerFiles.TokenizerJson);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path));
            var count = root?["model"]?["vocab"] switch
            {
                JsonArray pieces => pieces.Count,   // Unigram: [[piece, score], ...]
                JsonObject byId => byId.Count,      // WordPiece/BPE: {piece: id}
                _ => 0,
            };
            if (root?["added_tokens"] is JsonArray added)
                foreach (var token in added)
                    if (token?["id"] is JsonValue id && id.TryGetValue<int>(out var value)) count = Math.Max(count, value + 1);
            return count > 0 ? count : null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}");
        }
    }
}
