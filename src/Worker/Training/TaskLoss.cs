using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Worker.Models;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Worker.Training;

/// <summary>The task loss as a sum over labelled positions (-100 ignored); callers divide by the count they need.</summary>
public static class TaskLoss
{
    /// <summary>Cross-entropy summed over labelled positions; mean squared error for a one-label (regression) head.</summary>
    public static torch.Tensor Summed(ModelTask task, torch.Tensor logits, torch.Tensor labels)
    {
        var classes = logits.shape[^1];
        if (task == ModelTask.SequenceClassification && classes == 1)
            return F.mse_loss(logits.view(-1), labels.to(ScalarType.Float32).view(-1), torch.nn.Reduction.Sum);
        return F.cross_entropy(logits.view(-1, classes), labels.view(-1), ignore_index: LabelAligner.IgnoreIndex, reduction: torch.nn.Reduction.Sum);
    }
}
