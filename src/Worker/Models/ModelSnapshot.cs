using Orchestrator.Torch;

namespace Orchestrator.Worker.Models;

/// <summary>Copies of a model's weights (Hugging Face names) and its config; disposing frees the copies.</summary>
public sealed record ModelSnapshot(ModelConfig Config, IReadOnlyDictionary<string, torch.Tensor> Weights) : IDisposable
{
    public void Dispose()
    {
        foreach (var tensor in Weights.Values) tensor.Dispose();
    }
}
