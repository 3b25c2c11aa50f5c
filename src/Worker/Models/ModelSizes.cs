namespace Orchestrator.Worker.Models;

/// <summary>Named encoder sizes for randomly initialised models (layers, hidden, heads, intermediate).</summary>
public static class ModelSizes
{
    public static IReadOnlyDictionary<string, (int Layers, int Hidden, int Heads, int Intermediate)> All { get; } =
        new Dictionary<string, (int, int, int, int)>
        {
            ["tiny"] = (2, 128, 2, 512),
            ["mini"] = (4, 256, 4, 1024),
            ["small"] = (4, 512, 8, 2048),
            ["base"] = (12, 768, 12, 3072),
        };

    /// <summary>A config of <paramref name="modelType"/> at <paramref name="size"/> with BERT's other defaults.</summary>
    public static ModelConfig Config(string modelType, string size, int vocabSize, int padTokenId, IReadOnlyList<string> labels)
    {
        if (!All.TryGetValue(size, out var s))
            throw new ArgumentException($"unknown size '{size}' (known: {string.Join(", ", All.Keys)})", nameof(size));
        var config = modelType switch
        {
            "bert" => new ModelConfig
            {
                ModelType = "bert", VocabSize = vocabSize, PadTokenId = padTokenId, Labels = labels,
                NumHiddenLayers = s.Layers, HiddenSize = s.Hidden, NumAttentionHeads = s.Heads, IntermediateSize = s.Intermediate,
            },
            "distilbert" => new ModelConfig
            {
                ModelType = "distilbert", VocabSize = vocabSize, PadTokenId = padTokenId, Labels = labels, TypeVocabSize = 0,
                NumHiddenLayers = s.Layers, HiddenSize = s.Hidden, NumAttentionHeads = s.Heads, IntermediateSize = s.Intermediate,
            },
            _ => throw new ArgumentException($"unknown architecture '{modelType}' (known: bert, distilbert)", nameof(modelType)),
        };
        config.Validate();
        return config;
    }
}
