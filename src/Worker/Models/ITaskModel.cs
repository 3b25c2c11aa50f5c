using Orchestrator.Torch;

namespace Orchestrator.Worker.Models;

/// <summary>What the classification head predicts: one label per token, or one per sequence.</summary>
public enum ModelTask
{
    TokenClassification,
    SequenceClassification,
}

public static class ModelTaskExtensions
{
    /// <summary>How the collator pads this task's labels: one per token (with -100) or one per sequence.</summary>
    public static Shared.Data.LabelKind LabelKind(this ModelTask task) =>
        task == ModelTask.TokenClassification ? Shared.Data.LabelKind.PerToken : Shared.Data.LabelKind.PerSequence;
}

/// <summary>
/// Logits [batch, seq, labels] (token) or [batch, labels] (sequence), and the loss when labels were given.
/// Both belong to the dispose scope that was current when forward ran.
/// </summary>
public sealed record ModelOutput(torch.Tensor Logits, torch.Tensor? Loss);

/// <summary>A BERT-family encoder with a classification head, as the worker drives it.</summary>
public interface ITaskModel : IDisposable
{
    /// <summary>
    /// input_ids and attention_mask are int64 [batch, seq] (mask 1 = token, 0 = padding); token_type_ids is
    /// optional (zeros; ignored by DistilBERT); labels (int64; float for regression) are optional, -100 ignored.
    /// </summary>
    ModelOutput forward(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor? token_type_ids = null, torch.Tensor? labels = null);

    /// <summary>The root module: parameters under Hugging Face names (`bert.encoder.layer.0...`), train()/eval().</summary>
    torch.nn.Module Module { get; }

    ModelConfig Config { get; }

    ModelTask Task { get; }

    /// <summary>transformers' class name (`BertForTokenClassification`), written to config.json's architectures.</summary>
    string Architecture { get; }
}
