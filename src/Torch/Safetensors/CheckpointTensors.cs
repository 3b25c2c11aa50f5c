namespace Orchestrator.Torch.Safetensors;

/// <summary>
/// Loads the weights of a Hugging Face model folder the way from_pretrained looks for them:
/// <c>model.safetensors</c>, else the sharded <c>model.safetensors.index.json</c>. Pickled PyTorch
/// weights are refused (unpickling is arbitrary code execution) with the command that converts them.
/// </summary>
public static class CheckpointTensors
{
    public const string SingleFile = "model.safetensors";
    public const string PickleFile = "pytorch_model.bin";
    public const string PickleIndexFile = "pytorch_model.bin.index.json";

    /// <summary>Where the weights of <paramref name="folder"/> are, or an exception saying why there are none we can read.</summary>
    public static string Locate(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"model folder {folder} does not exist");
        var single = Path.Combine(folder, SingleFile);
        if (File.Exists(single)) return single;
        var index = Path.Combine(folder, SafetensorsIndex.FileName);
        if (File.Exists(index)) return index;

        foreach (var pickle in new[] { PickleFile, PickleIndexFile })
        {
            if (File.Exists(Path.Combine(folder, pickle)))
                throw new NotSupportedException(
                    $"{Path.Combine(folder, pickle)} is a pickle (PyTorch's format), which is not read here because loading it can run arbitrary code. " +
                    $"Convert it to safetensors once, with transformers installed: python -c \"from transformers import AutoModel; " +
                    $"m = AutoModel.from_pretrained('{folder}'); m.save_pretrained('{folder}', safe_serialization=True)\" " +
                    $"(use the AutoModelFor... class of your task to keep its head weights).");
        }
        throw new FileNotFoundException(
            $"no weights in {folder}: expected {SingleFile} or {SafetensorsIndex.FileName}", single);
    }

    /// <summary>Reads every weight tensor of the model in <paramref name="folder"/>.</summary>
    public static Dictionary<string, torch.Tensor> Load(string folder)
    {
        var path = Locate(folder);
        if (path.EndsWith(SafetensorsIndex.FileName, StringComparison.Ordinal))
            return SafetensorsIndex.ReadAll(path);
        using var file = SafetensorsFile.Open(path);
        return file.ReadAll();
    }
}
