using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;
using Orchestrator.Shared.Text;
using Orchestrator.Worker.Models;
using Serilog;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// Everything a run needs before the first step, read and checked up front: the tokenizer, the label
/// set, the encoded splits, the model's config and the step plan. Any problem is a
/// <see cref="RunInputException"/> naming the file, before a single file of the run is written.
/// </summary>
public sealed record PreparedRun(
    TrainOptions Options,
    ModelTask Task,
    string ModelDirectory,
    ModelConfig ModelConfig,
    BertTokenizer Tokenizer,
    LabelSet Labels,
    EncodedExample[] Train,
    EncodedExample[] Validation,
    EncodingStats TrainStats,
    TrainingPlan Plan)
{
    /// <summary>The fingerprint of the encoded splits, labels and tokenizer (see <see cref="Shared.Data.DataFingerprint"/>).</summary>
    public string DataFingerprint => field ??= Shared.Data.DataFingerprint.Compute(Train, Validation, Labels.Names, ModelDirectory);

    /// <summary>What a worker trains from: these splits, how to batch them, and its replica's settings.</summary>
    public Worker.PreparedWorkerData ForWorker() => new(
        new Worker.WorkerData(Train, Validation, new Collator(Tokenizer.PadTokenId, Task.LabelKind(), Options.PadToMultipleOf),
            Options.PerDeviceTrainBatchSize, Options.PerDeviceEvalBatchSize),
        Worker.Training.ReplicaSettings.From(Options, ModelDirectory, Task, Labels.Names, Plan),
        DataFingerprint);

    public static PreparedRun Prepare(TrainOptions options, ILogger logger)
    {
        var modelDirectory = options.ModelPath ?? throw new RunInputException("--model is required (a Hugging Face checkpoint folder)");
        var dataPath = options.DataPath ?? throw new RunInputException("--data is required (a dataset folder with train and validation files)");
        if (!Directory.Exists(modelDirectory)) throw new RunInputException($"{modelDirectory}: model folder not found");
        if (!Directory.Exists(dataPath) && !File.Exists(dataPath)) throw new RunInputException($"{dataPath}: data folder not found");
        var task = options.Task.ModelTask();

        var (config, tokenizer) = LoadModelFiles(modelDirectory);
        var (labels, trainExamples, validationExamples, report) = ReadData(options, dataPath);
        CheckHead(options, modelDirectory, config, labels);

        var encoder = new DatasetEncoder(tokenizer, Math.Min(options.MaxLength, config.MaxPositionEmbeddings));
        EncodedExample[] train, validation;
        try
        {
            (train, validation) = task == ModelTask.TokenClassification
                ? (encoder.EncodeTokens(trainExamples.Tokens!, new LabelAligner(labels, options.LabelFirstSubtokenOnly)),
                   encoder.EncodeTokens(validationExamples.Tokens!, new LabelAligner(labels, options.LabelFirstSubtokenOnly)))
                : (encoder.EncodeClassification(trainExamples.Texts!, labels), encoder.EncodeClassification(validationExamples.Texts!, labels));
        }
        catch (DataFormatException error)
        {
            throw new RunInputException(error.Message, error);
        }
        if (train.Length == 0) throw new RunInputException($"{dataPath}: the training split is empty");
        if (validation.Length == 0) throw new RunInputException($"{dataPath}: the validation split is empty");

        var stats = encoder.Stats(train);
        if (report.Skipped > 0)
            logger.Warning("Skipped {Skipped} bad lines in {Data}; first: {FirstWarnings}", report.Skipped, dataPath, report.FirstWarnings);
        if (stats.LostWords > 0)
            logger.Warning("{LostWords} words in {TruncatedExamples} training examples were cut by max_length {MaxLength}",
                stats.LostWords, stats.TruncatedExamples, options.MaxLength);

        TrainingPlan plan;
        try
        {
            plan = TrainingPlan.Create(options, train.Length);
        }
        catch (ArgumentException error)
        {
            throw new RunInputException($"the run cannot be planned: {error.Message}", error);
        }
        return new PreparedRun(options, task, modelDirectory, config, tokenizer, labels, train, validation, stats, plan);
    }

    internal static (ModelConfig, BertTokenizer) LoadModelFiles(string modelDirectory)
    {
        try
        {
            return (ModelConfig.Load(Path.Combine(modelDirectory, ModelConfig.FileName)), BertTokenizer.Load(modelDirectory));
        }
        catch (Exception error) when (error is IOException or ModelConfigException or FormatException or InvalidDataException or ArgumentException)
        {
            throw new RunInputException(error.Message, error);
        }
    }

    private sealed record Split(IReadOnlyList<TokenExample>? Tokens, IReadOnlyList<ClassificationExample>? Texts);

    private static (LabelSet, Split, Split, ReadReport) ReadData(TrainOptions options, string dataPath)
    {
        var dataOptions = DataOptionsFor(options);
        var report = new ReadReport();
        try
        {
            var dataset = TaskDataset.Open(dataPath, dataOptions);
            Split Read(Shared.Data.Split split) => dataOptions.IsTokenTask
                ? new Split(dataset.ReadTokens(split, report).ToList(), null)
                : new Split(null, dataset.ReadClassification(split, report).ToList());
            return (dataset.Labels, Read(Shared.Data.Split.Train), Read(Shared.Data.Split.Validation), report);
        }
        catch (Exception error) when (error is DataFormatException or IOException or InvalidDataException)
        {
            throw new RunInputException(error.Message, error);
        }
    }

    /// <summary>How the run's options read the data folder (task, columns, bad lines).</summary>
    internal static DataOptions DataOptionsFor(TrainOptions options) => new()
    {
        Task = options.Task switch
        {
            TrainTask.Ner => DataTask.Ner,
            TrainTask.Pos => DataTask.Pos,
            TrainTask.Chunk => DataTask.Chunk,
            _ => DataTask.Classification,
        },
        SkipBadLines = options.SkipBadLines,
        Columns = new ClassificationOptions
        {
            TextColumn = options.TextColumn,
            PairColumn = options.TextPairColumn,
            LabelColumn = options.LabelColumn,
        },
    };

    /// <summary>
    /// A fine-tuned head must have as many labels as the data; otherwise the first batch would fail deep
    /// inside the loss (the course's "device-side assert"). A base checkpoint (no head) is always fine.
    /// </summary>
    private static void CheckHead(TrainOptions options, string modelDirectory, ModelConfig config, LabelSet labels)
    {
        var hasHead = config.Architectures?.Any(a => a.EndsWith("ForTokenClassification") || a.EndsWith("ForSequenceClassification")) == true;
        if (!hasHead || options.IgnoreMismatchedSizes || config.NumLabels == labels.Count) return;
        throw new RunInputException(
            $"{Path.Combine(modelDirectory, ModelConfig.FileName)}: the model's classification head has {config.NumLabels} labels " +
            $"but the data has {labels.Count} ({labels}); pass --ignore-mismatched-sizes to re-initialise the head");
    }
}
