using Orchestrator.Torch;

namespace Orchestrator.Worker.Models;

/// <summary>What the model predicts: one label per token, one per sequence, or a target sequence (encoder-decoder).</summary>
public enum ModelTask
{
    TokenClassification,
    SequenceClassification,
    Seq2Seq,
}

public static class ModelTaskExtensions
{
    /// <summary>How the collator pads this task's labels: one per token (with -100), one per sequence, or a target sequence (with -100).</summary>
    public static Shared.Data.LabelKind LabelKind(this ModelTask task) => task switch
    {
        ModelTask.TokenClassification => Shared.Data.LabelKind.PerToken,
        ModelTask.Seq2Seq => Shared.Data.LabelKind.TargetSequence,
        _ => Shared.Data.LabelKind.PerSequence,
    };
}

/// <summary>
/// Logits [batch, seq, labels] (token) or [batch, labels] (sequence), and the loss when labels were given.
/// Both belong to the dispose scope that was current when forward ran.
/// </summary>
public sealed record ModelOutput(torch.Tensor Logits, torch.Tensor? Loss);

/// <summary>What a worker's replica trains and evaluates, whatever the architecture: a classifier or an encoder-decoder.</summary>
public interface IReplicaModel : IDisposable
{
    /// <summary>The root module: parameters under Hugging Face names, train()/eval().</summary>
    torch.nn.Module Module { get; }

    ModelTask Task { get; }

    /// <summary>transformers' class name (`BertForTokenClassification`, `T5ForConditionalGeneration`), written to config.json's architectures.</summary>
    string Architecture { get; }

    /// <summary>
    /// The logits the task loss compares with <paramref name="labels"/>: a classifier reads the inputs alone; a
    /// sequence-to-sequence model also reads the labels shifted right (teacher forcing). Owned by the current dispose scope.
    /// </summary>
    torch.Tensor Logits(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor token_type_ids, torch.Tensor labels);

    /// <summary>A copy of the weights and config at this moment (see <see cref="ModelSnapshot"/>).</summary>
    ModelSnapshot Snapshot();
}

/// <summary>A BERT-family encoder with a classification head, as the worker drives it.</summary>
public interface ITaskModel : IReplicaModel
{
    /// <summary>
    /// input_ids and attention_mask are int64 [batch, seq] (mask 1 = token, 0 = padding); token_type_ids is
    /// optional (zeros; ignored by DistilBERT); labels (int64; float for regression) are optional, -100 ignored.
    /// </summary>
    ModelOutput forward(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor? token_type_ids = null, torch.Tensor? labels = null);

    ModelConfig Config { get; }

    torch.Tensor IReplicaModel.Logits(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor token_type_ids, torch.Tensor labels) =>
        forward(input_ids, attention_mask, token_type_ids).Logits;

    ModelSnapshot IReplicaModel.Snapshot() => PretrainedModels.Snapshot(this);
}
