using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Generation;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Models.T5;
using Orchestrator.Worker.Training;
using Serilog;

namespace Orchestrator.Coordinator.Run;

/// <summary>What `orchestrator evaluate` scores: a fine-tuned model folder on one split of a dataset.</summary>
public sealed record EvaluationRequest(string ModelDirectory, string DataPath)
{
    public Split Split { get; init; } = Split.Validation;

    /// <summary>Null: from the model's head (classification for a sequence head, ner for a token head).</summary>
    public TrainTask? Task { get; init; }

    public bool Strict { get; init; }

    public int BatchSize { get; init; } = 32;

    /// <summary>As in training: examples are cut to this many tokens (and to the model's position limit).</summary>
    public int MaxLength { get; init; } = new TrainOptions().MaxLength;

    public bool LabelFirstSubtokenOnly { get; init; }

    /// <summary>Null: the usual names (text, sentence1, #1 String...), as in training.</summary>
    public string? TextColumn { get; init; }

    public string? TextPairColumn { get; init; }

    public string? LabelColumn { get; init; }

    /// <summary>Seq2seq: the source column(s) and the target column, as in training.</summary>
    public IReadOnlyList<string> InputColumns { get; init; } = new TrainOptions().InputColumns;

    public string TargetColumn { get; init; } = new TrainOptions().TargetColumn;

    public int MaxTargetLength { get; init; } = new TrainOptions().MaxTargetLength;

    /// <summary>Seq2seq: overrides of the model folder's generation defaults (generation_config.json, else config.json).</summary>
    public int? NumBeams { get; init; }

    public int? MaxNewTokens { get; init; }
}

/// <summary>The scores of one evaluation and what was scored.</summary>
public sealed record ModelEvaluationResult(EvaluationScorer.Scores Scores, TrainTask Task, string DataFile);

/// <summary>
/// Evaluates a saved model in this process with the workers' own code path: one replica
/// (<see cref="Collectives.Single"/>), <see cref="ShardEvaluator"/> and <see cref="EvaluationScorer"/>,
/// so the numbers are those a training run reports for the same weights. Every input problem is a
/// <see cref="RunInputException"/> naming the file.
/// </summary>
public static class ModelEvaluation
{
    public static ModelEvaluationResult Evaluate(EvaluationRequest request, ILogger? logger = null)
    {
        if (!Directory.Exists(request.ModelDirectory)) throw new RunInputException($"{request.ModelDirectory}: model folder not found");
        if (!Directory.Exists(request.DataPath) && !File.Exists(request.DataPath)) throw new RunInputException($"{request.DataPath}: data folder not found");
        if (request.BatchSize < 1) throw new RunInputException($"--batch-size must be at least 1 (got {request.BatchSize})");
        if (IsSeq2SeqModel(request.ModelDirectory)) return EvaluateSeq2Seq(request, logger);

        var (config, tokenizer) = PreparedRun.LoadModelFiles(request.ModelDirectory);
        var configPath = Path.Combine(request.ModelDirectory, ModelConfig.FileName);
        var task = request.Task ?? (HasHead(config, "ForSequenceClassification") ? TrainTask.Classification : TrainTask.Ner);
        var modelTask = task.ModelTask();
        var head = modelTask == ModelTask.SequenceClassification ? "ForSequenceClassification" : "ForTokenClassification";
        if (!HasHead(config, head))
            throw new RunInputException(
                $"{configPath}: architectures {string.Join(", ", config.Architectures ?? [])} has no *{head} head for task {task.ToConfigName()}; " +
                "evaluate a fine-tuned model (a base model's head would be random)");
        var labels = new LabelSet(config.Labels);

        var options = new TrainOptions
        {
            Task = task, TextColumn = request.TextColumn, TextPairColumn = request.TextPairColumn, LabelColumn = request.LabelColumn,
        };
        var (examples, dataFile) = ReadSplit(request, options, (dataset, split) =>
        {
            var unknown = dataset.Labels!.Names.Where(name => !labels.Contains(name)).ToList();
            if (unknown.Count > 0)
                throw new RunInputException(
                    $"{dataset.LabelSource}: the data's labels {string.Join(", ", unknown)} are not among the model's id2label ({labels}) in {configPath}");
            var encoder = new DatasetEncoder(tokenizer, Math.Min(request.MaxLength, config.MaxPositionEmbeddings));
            return modelTask == ModelTask.TokenClassification
                ? encoder.EncodeTokens(dataset.ReadTokens(split).ToList(), new LabelAligner(labels, request.LabelFirstSubtokenOnly))
                : encoder.EncodeClassification(dataset.ReadClassification(split).ToList(), labels);
        });

        var plan = DistributedShardPlan.ForEpoch(examples.Length, 1, 0, 0, shuffle: false);
        var collator = new Collator(tokenizer.PadTokenId, modelTask.LabelKind());
        var batches = collator.Batches(examples, plan.IndicesFor(0), request.BatchSize).ToList();
        using var scope = torch.NewDisposeScope();
        using (var model = LoadModel(() => PretrainedModels.Load(request.ModelDirectory, modelTask, labels.Names, logger: logger)))
        {
            var (gathered, loss, _, _, _) = ShardEvaluator.Evaluate(model, Collectives.Single, batches, examples.Length);
            var scores = EvaluationScorer.Score(gathered, plan, modelTask, labels, request.Strict, loss);
            return new ModelEvaluationResult(scores, task, dataFile);
        }
    }

    /// <summary>
    /// A T5 model folder: answers are generated (with the folder's generation defaults under the request's overrides),
    /// and scored by SQuAD's exact match and F1 beside the teacher-forced loss, as a seq2seq run's evaluation.
    /// </summary>
    private static ModelEvaluationResult EvaluateSeq2Seq(EvaluationRequest request, ILogger? logger)
    {
        if (request.Task is { } asked && asked != TrainTask.Seq2Seq)
            throw new RunInputException($"{request.ModelDirectory} holds a T5 model (seq2seq), not a {asked.ToConfigName()} classifier");
        var tokenizer = PreparedRun.LoadSeq2SeqTokenizer(request.ModelDirectory);
        GenerationOptions generation;
        try
        {
            var defaults = GenerationConfigFile.Read(request.ModelDirectory).Options;
            generation = defaults with
            {
                NumBeams = request.NumBeams ?? defaults.NumBeams,
                MaxNewTokens = request.MaxNewTokens ?? defaults.MaxNewTokens,
            };
            generation.Validate();
        }
        catch (Exception error) when (error is IOException or ModelConfigException or ArgumentException)
        {
            throw new RunInputException(error.Message, error);
        }

        var options = new TrainOptions { Task = TrainTask.Seq2Seq, InputColumns = request.InputColumns, TargetColumn = request.TargetColumn };
        var (examples, dataFile) = ReadSplit(request, options, (dataset, split) =>
            new DatasetEncoder(tokenizer, request.MaxLength).EncodeSeq2Seq(dataset.ReadSeq2Seq(split).ToList(), request.MaxTargetLength));

        var plan = DistributedShardPlan.ForEpoch(examples.Length, 1, 0, 0, shuffle: false);
        var batches = new Collator(tokenizer.PadTokenId, LabelKind.TargetSequence).Batches(examples, plan.IndicesFor(0), request.BatchSize).ToList();
        using var scope = torch.NewDisposeScope();
        using (var model = LoadModel(() => T5Pretrained.Load(request.ModelDirectory, logger)))
        {
            var (gathered, loss, _, _, _) = ShardEvaluator.Evaluate(model, Collectives.Single, batches, examples.Length, generation);
            var scores = EvaluationScorer.Score(gathered, plan, ModelTask.Seq2Seq, labels: null, strict: false, loss, answers: tokenizer);
            return new ModelEvaluationResult(scores, TrainTask.Seq2Seq, dataFile);
        }
    }

    /// <summary>
    /// The examples of the requested split, encoded; a single file given as the data is the one to score (TaskDataset
    /// files it as the train split). Every data problem is a <see cref="RunInputException"/> naming the file.
    /// </summary>
    private static (EncodedExample[] Examples, string DataFile) ReadSplit(EvaluationRequest request, TrainOptions options,
        Func<TaskDataset, Split, EncodedExample[]> encode)
    {
        EncodedExample[] examples;
        string dataFile;
        try
        {
            var dataset = TaskDataset.Open(request.DataPath, PreparedRun.DataOptionsFor(options));
            var split = File.Exists(request.DataPath) ? Split.Train : request.Split;
            dataFile = dataset.Folder.Require(split);
            examples = encode(dataset, split);
        }
        catch (Exception error) when (error is DataFormatException or IOException or InvalidDataException)
        {
            throw new RunInputException(error.Message, error);
        }
        if (examples.Length == 0) throw new RunInputException($"{dataFile}: no examples to evaluate");
        return (examples, dataFile);
    }

    /// <summary>from_pretrained, with a missing or damaged file reported as bad input.</summary>
    private static T LoadModel<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception error) when (error is IOException or ModelConfigException or ModelCheckpointException or SafetensorsFormatException or InvalidDataException)
        {
            throw new RunInputException(error.Message, error);
        }
    }

    /// <summary>config.json says model_type t5 (T5ForConditionalGeneration).</summary>
    private static bool IsSeq2SeqModel(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, ModelConfig.FileName);
        if (!File.Exists(path)) return false;
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["model_type"]?.GetValue<string>() == T5Config.ModelType;
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or InvalidOperationException)
        {
            return false; // the classifier path reports a broken config.json with its file and field
        }
    }

    private static bool HasHead(ModelConfig config, string suffix) =>
        config.Architectures?.Any(a => a.EndsWith(suffix, StringComparison.Ordinal)) == true;
}
