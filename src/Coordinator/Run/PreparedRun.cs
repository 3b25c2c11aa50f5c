using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;
using Orchestrator.Shared.Text;
using Orchestrator.Worker.Models;
using Serilog;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// Everything a run needs before the first step, read and checked up front: the tokenizer, the label
/// set (none for sequence to sequence), the encoded splits and the step plan. Any problem is a
/// <see cref="RunInputException"/> naming the file, before a single file of the run is written.
/// </summary>
public sealed record PreparedRun(
    TrainOptions Options,
    ModelTask Task,
    string ModelDirectory,
    ITokenizer Tokenizer,
    LabelSet? Labels,
    EncodedExample[] Train,
    EncodedExample[] Validation,
    EncodingStats TrainStats,
    TrainingPlan Plan)
{
    /// <summary>The label names a classifier's head is built for; none for sequence to sequence.</summary>
    public IReadOnlyList<string> LabelNames => Labels?.Names ?? [];

    /// <summary>The fingerprint of the encoded splits, labels and tokenizer (see <see cref="Shared.Data.DataFingerprint"/>).</summary>
    public string DataFingerprint => field ??= Shared.Data.DataFingerprint.Compute(Train, Validation, LabelNames, ModelDirectory);

    /// <summary>Seq2seq with predict_with_generate: how evaluation generates its answers (Seq2SeqTrainer's generation_* arguments).</summary>
    public Worker.Generation.GenerationOptions? Generation => Task == ModelTask.Seq2Seq && Options.PredictWithGenerate
        ? new Worker.Generation.GenerationOptions
        {
            MaxLength = Options.GenerationMaxLength ?? Options.MaxTargetLength,
            NumBeams = Options.GenerationNumBeams ?? 1,
        }
        : null;

    /// <summary>What a worker trains from: these splits, how to batch them, and its replica's settings.</summary>
    public Worker.PreparedWorkerData ForWorker() => new(
        new Worker.WorkerData(Train, Validation, new Collator(Tokenizer.PadTokenId, Task.LabelKind(), Options.PadToMultipleOf),
            Options.PerDeviceTrainBatchSize, Options.PerDeviceEvalBatchSize),
        Worker.Training.ReplicaSettings.From(Options, ModelDirectory, Task, LabelNames, Plan) with { Generation = Generation },
        DataFingerprint);

    public static PreparedRun Prepare(TrainOptions options, ILogger logger)
    {
        var modelDirectory = options.ModelPath ?? throw new RunInputException("--model is required (a Hugging Face checkpoint folder)");
        var dataPath = options.DataPath ?? throw new RunInputException("--data is required (a dataset folder with train and validation files)");
        if (!Directory.Exists(modelDirectory)) throw new RunInputException($"{modelDirectory}: model folder not found");
        if (!Directory.Exists(dataPath) && !File.Exists(dataPath)) throw new RunInputException($"{dataPath}: data folder not found");
        var task = options.Task.ModelTask();

        ModelConfig? classifierConfig = null;
        ITokenizer tokenizer;
        int maxPositions;
        if (task == ModelTask.Seq2Seq)
            tokenizer = LoadSeq2SeqTokenizer(modelDirectory);
        else
            (classifierConfig, tokenizer) = LoadModelFiles(modelDirectory);
        // T5's relative positions put no limit on the length; BERT's absolute ones do.
        maxPositions = classifierConfig?.MaxPositionEmbeddings ?? int.MaxValue;
        var (labels, trainExamples, validationExamples, report) = ReadData(options, dataPath);
        if (classifierConfig is not null) CheckHead(options, modelDirectory, classifierConfig, labels!);

        var encoder = new DatasetEncoder(tokenizer, Math.Min(options.MaxLength, maxPositions));
        EncodedExample[] train, validation;
        try
        {
            (train, validation) = task switch
            {
                ModelTask.TokenClassification =>
                    (encoder.EncodeTokens(trainExamples.Tokens!, new LabelAligner(labels!, options.LabelFirstSubtokenOnly)),
                     encoder.EncodeTokens(validationExamples.Tokens!, new LabelAligner(labels!, options.LabelFirstSubtokenOnly))),
                ModelTask.Seq2Seq =>
                    (encoder.EncodeSeq2Seq(trainExamples.Pairs!, options.MaxTargetLength), encoder.EncodeSeq2Seq(validationExamples.Pairs!, options.MaxTargetLength)),
                _ => (encoder.EncodeClassification(trainExamples.Texts!, labels!), encoder.EncodeClassification(validationExamples.Texts!, labels!)),
            };
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
        return new PreparedRun(options, task, modelDirectory, tokenizer, labels, train, validation, stats, plan);
    }

    /// <summary>T5's SentencePiece tokenizer, checked against the config.json beside it.</summary>
    internal static T5Tokenizer LoadSeq2SeqTokenizer(string modelDirectory)
    {
        try
        {
            var config = Worker.Models.T5.T5Config.Load(Path.Combine(modelDirectory, ModelConfig.FileName));
            if (!T5Tokenizer.IsT5Tokenizer(modelDirectory))
                throw new RunInputException($"{modelDirectory}: no T5 tokenizer (spiece.model or a Unigram tokenizer.json) beside the model");
            var tokenizer = T5Tokenizer.Load(modelDirectory);
            if (tokenizer.VocabSize > config.VocabSize)
                throw new RunInputException($"{modelDirectory}: the tokenizer has {tokenizer.VocabSize} ids but the model's embedding only {config.VocabSize} rows (vocab_size in config.json)");
            return tokenizer;
        }
        catch (Exception error) when (error is IOException or ModelConfigException or FormatException or InvalidDataException or ArgumentException)
        {
            throw new RunInputException(error.Message, error);
        }
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

    private sealed record Split(IReadOnlyList<TokenExample>? Tokens, IReadOnlyList<ClassificationExample>? Texts, IReadOnlyList<Seq2SeqExample>? Pairs = null);

    private static (LabelSet?, Split, Split, ReadReport) ReadData(TrainOptions options, string dataPath)
    {
        var dataOptions = DataOptionsFor(options);
        var report = new ReadReport();
        try
        {
            var dataset = TaskDataset.Open(dataPath, dataOptions);
            Split Read(Shared.Data.Split split) => dataOptions.Task switch
            {
                DataTask.Seq2Seq => new Split(null, null, dataset.ReadSeq2Seq(split, report).ToList()),
                _ when dataOptions.IsTokenTask => new Split(dataset.ReadTokens(split, report).ToList(), null),
                _ => new Split(null, dataset.ReadClassification(split, report).ToList()),
            };
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
            TrainTask.Seq2Seq => DataTask.Seq2Seq,
            _ => DataTask.Classification,
        },
        SkipBadLines = options.SkipBadLines,
        Columns = new ClassificationOptions
        {
            TextColumn = options.TextColumn,
            PairColumn = options.TextPairColumn,
            LabelColumn = options.LabelColumn,
        },
        Seq2SeqColumns = new Seq2SeqColumns { InputColumns = options.InputColumns, TargetColumn = options.TargetColumn },
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
