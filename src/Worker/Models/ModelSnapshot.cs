using Orchestrator.Torch;

namespace Orchestrator.Worker.Models;

/// <summary>Which tokenizer files save_pretrained writes beside a model.</summary>
public enum TokenizerFamily
{
    /// <summary>BERT's vocab.txt / tokenizer.json and their configs (defaults written when absent).</summary>
    WordPiece,
    /// <summary>T5's spiece.model / tokenizer.json and their configs, copied.</summary>
    SentencePiece,
}

/// <summary>
/// Copies of a model's weights (Hugging Face names) and its config.json text, and which tokenizer files go with
/// it; disposing frees the copies. <see cref="GenerationConfigJson"/> is the generation_config.json of a model that
/// generates (null for the classifiers).
/// </summary>
public sealed record ModelSnapshot(string ConfigJson, IReadOnlyDictionary<string, torch.Tensor> Weights, TokenizerFamily Tokenizer) : IDisposable
{
    public string? GenerationConfigJson { get; init; }

    public void Dispose()
    {
        foreach (var tensor in Weights.Values) tensor.Dispose();
    }
}
