using Orchestrator.Coordinator.Push;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data.Synthetic;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// Small end-to-end runs: a tiny BERT (hidden 32, two layers) over the bundled vocabulary, created here,
/// and a generated NER corpus of a chosen size, so a whole `orchestrator train` takes seconds.
/// </summary>
internal static class RunTestKit
{
    public static string BundledVocabulary => Path.Combine(DefaultRun.DataRoot, "vocab.txt");

    /// <summary>A randomly initialised tiny BERT saved like save_pretrained; <paramref name="dropout"/> 0 makes training deterministic across world sizes.</summary>
    public static string TinyModel(string folder, IReadOnlyList<string> labels, ModelTask task, double dropout = 0.0, long seed = 7)
    {
        var config = new ModelConfig
        {
            ModelType = "bert",
            VocabSize = File.ReadLines(BundledVocabulary).Count(line => line.Length > 0),
            HiddenSize = 32,
            NumHiddenLayers = 2,
            NumAttentionHeads = 2,
            IntermediateSize = 64,
            MaxPositionEmbeddings = 128,
            HiddenDropoutProb = dropout,
            AttentionProbsDropoutProb = dropout,
            ClassifierDropout = dropout,
            Labels = labels,
        };
        var vocabularyFolder = folder + "-vocab";
        Directory.CreateDirectory(vocabularyFolder);
        File.Copy(BundledVocabulary, Path.Combine(vocabularyFolder, "vocab.txt"), overwrite: true);
        using (var scope = torch.NewDisposeScope())
        using (var model = PretrainedModels.CreateRandom(config, task, seed))
            PretrainedModels.Save(model, folder, vocabularyFolder, doLowerCase: false);
        return folder;
    }

    /// <summary>A CoNLL folder (train, validation, optional test, labels.txt) of generated sentences.</summary>
    public static string NerData(string folder, int train, int validation, int test = 0, ulong seed = 11)
    {
        Directory.CreateDirectory(folder);
        var sentences = NerCorpusGenerator.Generate(train + validation + test, seed);
        File.WriteAllText(Path.Combine(folder, "train.conll"), NerCorpusGenerator.ToConll(sentences.Take(train).ToList(), seed));
        File.WriteAllText(Path.Combine(folder, "validation.conll"), NerCorpusGenerator.ToConll(sentences.Skip(train).Take(validation).ToList(), seed));
        if (test > 0)
            File.WriteAllText(Path.Combine(folder, "test.conll"), NerCorpusGenerator.ToConll(sentences.Skip(train + validation).ToList(), seed));
        File.WriteAllLines(Path.Combine(folder, "labels.txt"), NerCorpusGenerator.Labels);
        return folder;
    }

    public static TrainOptions NerOptions(string model, string data, string output, int workers, int batchSize) => new()
    {
        Task = TrainTask.Ner,
        ModelPath = model,
        DataPath = data,
        OutputDir = output,
        Workers = workers,
        PerDeviceTrainBatchSize = batchSize,
        PerDeviceEvalBatchSize = 4,
        NumTrainEpochs = 2,
        LearningRate = 1e-3,
        WarmupSteps = 2,
        LoggingSteps = 1,
        MaxLength = 64,
    };

    /// <summary>
    /// Runs `orchestrator train`'s coordinator in this process; returns the exit code and everything it printed. The
    /// workers are worker actors in the same actor system unless <paramref name="placement"/> says otherwise (local
    /// worker processes cost a few seconds each to start; the process tests cover them).
    /// </summary>
    public static async Task<(int ExitCode, string Console)> TrainAsync(TrainOptions options, PushRetryOptions? pushRetry = null, WorkerPlacement? placement = null)
    {
        var console = new StringWriter();
        var code = await RunHost.TrainAsync(options, console, pushRetry: pushRetry, placement: placement ?? WorkerPlacement.InProcess);
        return (code, console.ToString());
    }

    /// <summary>The trainer state of the run's newest checkpoint (it holds the whole metric history).</summary>
    public static TrainerState LastState(string runDirectory)
    {
        var latest = new CheckpointStore(Path.Combine(runDirectory, "checkpoints")).FindLatest().Checkpoint
            ?? throw new InvalidOperationException($"{runDirectory} has no complete checkpoint");
        return latest.State;
    }

    /// <summary>Largest absolute difference between the tensors of two model.safetensors files with the same names.</summary>
    public static double MaxWeightDifference(string modelA, string modelB, out int tensors)
    {
        using var scope = torch.NewDisposeScope();
        using var a = SafetensorsFile.Open(Path.Combine(modelA, "model.safetensors"));
        using var b = SafetensorsFile.Open(Path.Combine(modelB, "model.safetensors"));
        Assert.Equal(a.Names.Order(), b.Names.Order());
        double max = 0;
        tensors = 0;
        foreach (var name in a.Names)
        {
            var x = a.ReadTensor(name).data<float>();
            var y = b.ReadTensor(name).data<float>();
            Assert.Equal(x.Length, y.Length);
            for (var i = 0; i < x.Length; i++) max = Math.Max(max, Math.Abs(x[i] - y[i]));
            tensors++;
        }
        return max;
    }
}
