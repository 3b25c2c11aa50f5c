using Orchestrator.Shared.Text;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Inference;
using Orchestrator.Worker.Models;
using Serilog;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// A fine-tuned model folder ready to predict with: the pipeline its head calls for (token classification or
/// text classification), the folder's own tokenizer, and the longest sequence the model takes
/// (tokenizer_config.json's model_max_length, capped by the model's position embeddings).
/// </summary>
public sealed class PredictionModel : IDisposable
{
    private readonly ITaskModel _model;

    private PredictionModel(ITaskModel model, BertTokenizer tokenizer, int maxLength)
    {
        _model = model;
        Tokenizer = tokenizer;
        MaxLength = maxLength;
    }

    public BertTokenizer Tokenizer { get; }

    public ModelTask Task => _model.Task;

    public int MaxLength { get; }

    /// <summary>Loads <paramref name="folder"/>; every problem with it is a <see cref="RunInputException"/> naming the file.</summary>
    public static PredictionModel Load(string folder, ILogger? logger = null)
    {
        if (!Directory.Exists(folder)) throw new RunInputException($"{folder}: model folder not found");
        var (config, tokenizer) = PreparedRun.LoadModelFiles(folder);
        var configPath = Path.Combine(folder, ModelConfig.FileName);
        var architecture = config.Architectures?.FirstOrDefault() ?? "";
        ModelTask task = architecture.EndsWith("ForTokenClassification", StringComparison.Ordinal) ? ModelTask.TokenClassification
            : architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal) ? ModelTask.SequenceClassification
            : throw new RunInputException(
                $"{configPath}: architectures [{string.Join(", ", config.Architectures ?? [])}] names no *ForTokenClassification or " +
                "*ForSequenceClassification head; predict needs a fine-tuned classifier (a base model's head would be random)");
        ITaskModel model;
        try
        {
            model = PretrainedModels.Load(folder, task, logger: logger);
        }
        catch (Exception error) when (error is IOException or ModelConfigException or ModelCheckpointException or SafetensorsFormatException or InvalidDataException)
        {
            throw new RunInputException(error.Message, error);
        }
        int maxLength = Math.Min(tokenizer.Options.ModelMaxLength ?? config.MaxPositionEmbeddings, config.MaxPositionEmbeddings);
        return new PredictionModel(model, tokenizer, maxLength);
    }

    /// <param name="stride">Tokens shared by neighbouring windows of a long text; null: the default.</param>
    public TokenClassificationPipeline TokenClassification(int? stride)
    {
        int capacity = MaxLength - Tokenizer.NumSpecialTokensToAdd(pair: false);
        if (stride is int s && (s < 0 || s >= capacity))
            throw new RunInputException($"--stride {s}: must be at least 0 and smaller than the {capacity} text tokens a window of the model's {MaxLength} tokens holds");
        return new TokenClassificationPipeline(Tokenizer, _model, MaxLength, stride);
    }

    public TextClassificationPipeline TextClassification() => new(Tokenizer, _model, MaxLength);

    public void Dispose() => _model.Dispose();
}
