using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// The embedded default: `orchestrator train` with neither --model nor --data trains a tiny BERT,
/// initialised here from the bundled vocabulary, on the bundled synthetic NER corpus, with two local
/// workers. A randomly initialised model needs a far larger learning rate than a pretrained one; the
/// other settings are the Trainer's.
/// </summary>
public static class DefaultRun
{
    public static string DataRoot => Path.Combine(AppContext.BaseDirectory, "data");

    public static bool Applies(TrainOptions options) => options.ModelPath is null && options.DataPath is null;

    /// <summary>The defaults under the user's own overrides (a value the user set wins).</summary>
    public static TrainOptions Defaults() => new()
    {
        Task = TrainTask.Ner,
        DataPath = Path.Combine(DataRoot, "ner"),
        OutputDir = Path.Combine("runs", "default"),
        Workers = 2,
        NumTrainEpochs = 3,
        PerDeviceTrainBatchSize = 16,
        PerDeviceEvalBatchSize = 32,
        LearningRate = 2e-3,
        WarmupRatio = 0.1,
        LoggingSteps = 10,
        MaxLength = 64,
    };

    /// <summary>
    /// Where the default run keeps its base model: next to the run folder (runs/default-base-model for
    /// runs/default), so a run with --output elsewhere leaves the current directory alone.
    /// </summary>
    public static string BaseModelFolder(TrainOptions options)
    {
        var runFolder = Path.GetFullPath(options.ResolvedOutputDir());
        return Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(runFolder)) ?? runFolder, "default-base-model");
    }

    /// <summary>Creates the tiny base model (init-model's "tiny", seed 42) unless it is already there.</summary>
    public static void EnsureBaseModel(string folder, string vocabularyFile, IReadOnlyList<string> labels)
    {
        if (File.Exists(Path.Combine(folder, ModelConfig.FileName))) return;
        // Built beside the target and renamed into place, so an interrupted start never leaves half a model.
        var temp = folder + $".tmp-{Guid.NewGuid():N}";
        var request = new RandomCheckpointRequest("bert", "tiny", ModelTask.TokenClassification, labels, vocabularyFile,
            Lowercase: false, Output: temp, Seed: 42);
        using (torch.NewDisposeScope())
        using (RandomCheckpoint.Create(request)) { }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        Directory.Move(temp, folder);
    }

    public static IReadOnlyList<string> BundledNerLabels() =>
        LabelSet.Load(Path.Combine(DataRoot, "ner", "labels.txt")).Names;
}
