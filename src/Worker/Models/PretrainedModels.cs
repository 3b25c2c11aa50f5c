using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Models.Bert;
using Orchestrator.Worker.Models.DistilBert;
using Serilog;

namespace Orchestrator.Worker.Models;

/// <summary>Builds, loads (from_pretrained) and saves (save_pretrained) BERT-family classification models.</summary>
public static class PretrainedModels
{
    /// <summary>A model with PyTorch's default layer initialisation (not yet transformers' init: see <see cref="CreateRandom"/>).</summary>
    public static ITaskModel Create(ModelConfig config, ModelTask task)
    {
        config.Validate();
        return (config.ModelType, task) switch
        {
            ("bert", ModelTask.TokenClassification) => new BertForTokenClassification(config),
            ("bert", ModelTask.SequenceClassification) => new BertForSequenceClassification(config),
            ("distilbert", ModelTask.TokenClassification) => new DistilBertForTokenClassification(config),
            ("distilbert", ModelTask.SequenceClassification) => new DistilBertForSequenceClassification(config),
            _ => throw new ModelConfigException(ModelConfig.FileName, "model_type", $"unsupported model type '{config.ModelType}'"),
        };
    }

    /// <summary>A model initialised as transformers' _init_weights does, from the default generator seeded with <paramref name="seed"/>.</summary>
    public static ITaskModel CreateRandom(ModelConfig config, ModelTask task, long seed)
    {
        return torch.WithSeed(seed, () =>
        {
            var model = Create(config, task);
            WeightInit.Apply(model.Module, config);
            return model;
        });
    }

    /// <summary>The base model's attribute name in task models (transformers' base_model_prefix).</summary>
    public static string BasePrefix(ModelConfig config) => config.IsDistilBert ? "distilbert" : "bert";

    /// <summary>
    /// from_pretrained for <paramref name="task"/>: reads config.json and the safetensors weights of
    /// <paramref name="folder"/>. <paramref name="labels"/> (null: the checkpoint's id2label) set the head's size;
    /// a checkpoint head of another size is refused unless <paramref name="ignoreMismatchedSizes"/>.
    /// Fresh weights come from the default generator: seed it first for reproducible heads.
    /// </summary>
    public static ITaskModel Load(string folder, ModelTask task, IReadOnlyList<string>? labels = null, bool ignoreMismatchedSizes = false, ILogger? logger = null)
    {
        var configPath = Path.Combine(folder, ModelConfig.FileName);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"{configPath} not found: a model folder needs config.json next to its weights", configPath);
        var config = ModelConfig.Load(configPath);
        if (labels is not null)
        {
            if (labels.Count == config.NumLabels && !labels.SequenceEqual(config.Labels) && !config.Labels.All(l => l.StartsWith("LABEL_", StringComparison.Ordinal)))
                logger?.Warning("The labels {RequestedLabels} differ from the checkpoint's id2label {CheckpointLabels} in {Config}: head rows are used in the requested order",
                    labels, config.Labels, configPath);
            config = config.WithLabels(labels);
            config.Validate(configPath);
        }
        var weights = CheckpointTensors.Locate(folder);
        var model = Create(config, task);
        if (config.Architectures is [var saved, ..] && saved != model.Architecture && saved.EndsWith("Classification", StringComparison.Ordinal))
            logger?.Warning("{Config} was saved as {SavedArchitecture}; its head weights are loaded into {Architecture} where names and shapes match",
                configPath, saved, model.Architecture);
        try
        {
            using var scope = torch.NewDisposeScope();
            var state = CheckpointTensors.Load(folder);
            CheckpointLoader.Load(model.Module, BasePrefix(config), modelIsBase: false, config, state, weights, ignoreMismatchedSizes, logger, model.Architecture);
            logger?.Information("Loaded {Architecture} from {Checkpoint} with {LabelCount} labels", model.Architecture, weights, config.NumLabels);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// save_pretrained: config.json (architectures, labels, torch_dtype), model.safetensors ({"format":"pt"}) and the
    /// tokenizer files of <paramref name="tokenizerSource"/> (defaults when absent), each written atomically.
    /// </summary>
    public static void Save(ITaskModel model, string folder, string? tokenizerSource = null, bool? doLowerCase = null)
    {
        using var snapshot = Snapshot(model);
        Save(snapshot, folder, tokenizerSource, doLowerCase);
    }

    /// <summary>
    /// A copy of the weights and config at this moment, owned by the caller: it can be written on another
    /// thread while the model trains on (checkpoints in the background).
    /// </summary>
    public static ModelSnapshot Snapshot(ITaskModel model)
    {
        using var scope = torch.NewDisposeScope();
        var weights = model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.contiguous().clone().DetachFromDisposeScope());
        return new ModelSnapshot(model.Config.WithArchitecture(model.Architecture).ToJsonString(), weights, TokenizerFamily.WordPiece);
    }

    /// <summary>
    /// save_pretrained of a snapshot, of any architecture: model.safetensors, config.json, generation_config.json (a
    /// model that generates), tokenizer files, each written atomically. <paramref name="doLowerCase"/> only matters for WordPiece defaults.
    /// </summary>
    public static void Save(ModelSnapshot snapshot, string folder, string? tokenizerSource = null, bool? doLowerCase = null)
    {
        Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(Path.Combine(folder, CheckpointTensors.SingleFile), snapshot.Weights, SafetensorsWriter.DefaultMetadata);
        void WriteText(string name, string text) =>
            DurableFile.Write(Path.Combine(folder, name), s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
        WriteText(ModelConfig.FileName, snapshot.ConfigJson);
        if (snapshot.GenerationConfigJson is { } generation) WriteText(Generation.GenerationConfigFile.FileName, generation);
        if (snapshot.Tokenizer == TokenizerFamily.SentencePiece)
        {
            if (tokenizerSource is not null) T5.T5Pretrained.CopyTokenizerFiles(tokenizerSource, folder);
        }
        else
            TokenizerFiles.Write(tokenizerSource, folder, doLowerCase);
    }
}
