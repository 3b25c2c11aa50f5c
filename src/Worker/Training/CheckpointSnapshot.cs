using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Training;

/// <summary>
/// A replica's model and optimizer state copied at one step, so the checkpoint's files can be written
/// on another thread while training goes on. Disposing frees the copies.
/// </summary>
public sealed class CheckpointSnapshot(ModelSnapshot model, Dictionary<string, torch.Tensor> optimizer) : IDisposable
{
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>save_pretrained files, plus optimizer.safetensors for a checkpoint (not for a final model).</summary>
    public void WriteTo(string folder, string tokenizerSource, bool includeOptimizer = true)
    {
        PretrainedModels.Save(model, folder, tokenizerSource);
        if (includeOptimizer)
            SafetensorsWriter.Write(Path.Combine(folder, OptimizerFile), optimizer, SafetensorsWriter.DefaultMetadata);
    }

    public void Dispose()
    {
        model.Dispose();
        foreach (var tensor in optimizer.Values) tensor.Dispose();
    }
}
