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

    /// <summary>Creates the tiny base model (deterministic, seed 42) unless it is already there.</summary>
    public static void EnsureBaseModel(string folder, string vocabularyFile, IReadOnlyList<string> labels)
    {
        if (File.Exists(Path.Combine(folder, ModelConfig.FileName))) return;
        var vocabulary = File.ReadLines(vocabularyFile).Count(line => line.Length > 0);
        var config = new ModelConfig
        {
            ModelType = "bert",
            VocabSize = vocabulary,
            HiddenSize = 128,
            NumHiddenLayers = 2,
            NumAttentionHeads = 2,
            IntermediateSize = 512,
            MaxPositionEmbeddings = 128,
            Labels = labels,
        };
        var temp = folder + $".tmp-{Guid.NewGuid():N}";
        using (var scope = torch.NewDisposeScope())
        using (var model = PretrainedModels.CreateRandom(config, ModelTask.TokenClassification, seed: 42))
        {
            var vocabularyFolder = Path.Combine(Path.GetTempPath(), $"orchestrator-vocab-{Guid.NewGuid():N}");
            Directory.CreateDirectory(vocabularyFolder);
            File.Copy(vocabularyFile, Path.Combine(vocabularyFolder, "vocab.txt"));
            PretrainedModels.Save(model, temp, vocabularyFolder, doLowerCase: false);
            Directory.Delete(vocabularyFolder, recursive: true);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        Directory.Move(temp, folder);
    }

    public static IReadOnlyList<string> BundledNerLabels() =>
        LabelSet.Load(Path.Combine(DataRoot, "ner", "labels.txt")).Names;
}
