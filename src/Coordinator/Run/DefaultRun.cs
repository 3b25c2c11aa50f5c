using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Orchestrator.Shared.Text;
using Orchestrator.Torch;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Models.T5;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// The embedded default: `orchestrator train` with neither --model nor --data trains a tiny BERT,
/// initialised here from the bundled vocabulary, on the bundled synthetic NER corpus, with two local
/// workers. `orchestrator train --task seq2seq` trains a tiny T5 (v1.0) with the bundled SentencePiece model on
/// the bundled synthetic question-answering data instead, and scores generated answers. A randomly initialised
/// BERT needs a far larger learning rate than a pretrained one; the other settings are the Trainer's.
/// </summary>
/// <remarks>
/// The seq2seq settings are measured, not guessed: the tiny T5 has to learn from scratch to copy the answer out of
/// the context, and does so within about a minute (10 epochs of the 1500 questions: exact match about 80% on
/// validation, over three seeds 82-90%) at the Trainer's seq2seq learning rate, 3e-4. Unlike the BERT default it
/// does not want a larger one: at 1e-3 it learns slower (67-73%), and at 3e-3 and above it settles on the most
/// frequent answer of each kind and copies nothing (exact match under 10%). A global batch of 16 (8 on each of
/// the two workers) gives twice the optimizer steps of 32 on the same samples: 82% after 10 epochs instead of 75%.
/// </remarks>
public static class DefaultRun
{
    public static string DataRoot => Path.Combine(AppContext.BaseDirectory, "data");

    public static bool Applies(TrainOptions options) => options.ModelPath is null && options.DataPath is null;

    /// <summary>The defaults under the user's own overrides (a value the user set wins).</summary>
    public static TrainOptions Defaults(TrainTask task = TrainTask.Ner) => task == TrainTask.Seq2Seq ? Seq2SeqDefaults() : new()
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

    private static TrainOptions Seq2SeqDefaults() => new()
    {
        Task = TrainTask.Seq2Seq,
        DataPath = Path.Combine(DataRoot, "qa"),
        OutputDir = Path.Combine("runs", "default-seq2seq"),
        Workers = 2,
        NumTrainEpochs = 10,
        PerDeviceTrainBatchSize = 8,
        PerDeviceEvalBatchSize = 50,
        LearningRate = 3e-4,
        WarmupRatio = 0.1,
        LoggingSteps = 10,
        MaxLength = 96,
        MaxTargetLength = 16,
        PredictWithGenerate = true,
        GenerationMaxLength = 16,
    };

    /// <summary>
    /// Where the default run keeps its base model: next to the run folder (runs/default-base-model for
    /// runs/default), so a run with --output elsewhere leaves the current directory alone.
    /// </summary>
    public static string BaseModelFolder(TrainOptions options)
    {
        var runFolder = Path.GetFullPath(options.ResolvedOutputDir());
        var name = options.Task == TrainTask.Seq2Seq ? "default-seq2seq-base-model" : "default-base-model";
        return Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(runFolder)) ?? runFolder, name);
    }

    /// <summary>The bundled SentencePiece model of the seq2seq default (data/t5/spiece.model, made by data/t5/make-spiece.sh).</summary>
    public static string BundledT5Tokenizer => Path.Combine(DataRoot, "t5");

    /// <summary>Creates the base model of <paramref name="options"/>' task unless it is already there.</summary>
    public static void EnsureBaseModel(TrainOptions options)
    {
        if (options.Task == TrainTask.Seq2Seq)
            EnsureT5BaseModel(options.ModelPath!);
        else
            EnsureBaseModel(options.ModelPath!, Path.Combine(DataRoot, "vocab.txt"), BundledNerLabels());
    }

    /// <summary>
    /// init-model --arch t5 --size tiny --tokenizer data/t5, seed 42, unless it is already there; with two departures,
    /// both for speed of learning from scratch. The embedding has one row per id of the bundled tokenizer rather than
    /// T5's 32128: a softmax over 32128 ids, of which fewer than 340 ever occur, made training 1.8 times slower
    /// for the same exact match. And dropout_rate is 0: T5's 0.1 fights overfitting, which matters little in a minute
    /// of training, and slows the copying the model has to learn (exact match 41% after 10 epochs instead of 82%).
    /// </summary>
    public static void EnsureT5BaseModel(string folder) => CreateAtomically(folder, temp =>
    {
        var vocabularySize = T5Tokenizer.Load(BundledT5Tokenizer).VocabSize;
        var request = new T5RandomCheckpointRequest("tiny", "v1.0", vocabularySize, BundledT5Tokenizer, temp, Seed: 42, DropoutRate: 0);
        using (T5RandomCheckpoint.Create(request)) { }
    });

    private static void CreateAtomically(string folder, Action<string> create)
    {
        if (File.Exists(Path.Combine(folder, ModelConfig.FileName))) return;
        // Built beside the target and renamed into place, so an interrupted start never leaves half a model.
        var temp = folder + $".tmp-{Guid.NewGuid():N}";
        using (torch.NewDisposeScope()) create(temp);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        Directory.Move(temp, folder);
    }

    /// <summary>Creates the tiny base model (init-model's "tiny", seed 42) unless it is already there.</summary>
    public static void EnsureBaseModel(string folder, string vocabularyFile, IReadOnlyList<string> labels) => CreateAtomically(folder, temp =>
    {
        var request = new RandomCheckpointRequest("bert", "tiny", ModelTask.TokenClassification, labels, vocabularyFile,
            Lowercase: false, Output: temp, Seed: 42);
        using (RandomCheckpoint.Create(request)) { }
    });

    public static IReadOnlyList<string> BundledNerLabels() =>
        LabelSet.Load(Path.Combine(DataRoot, "ner", "labels.txt")).Names;
}
