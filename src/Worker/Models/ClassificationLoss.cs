using Orchestrator.Torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Worker.Models;

/// <summary>The losses transformers' classification heads compute.</summary>
public static class ClassificationLoss
{
    /// <summary>CrossEntropyLoss over logits.view(-1, num_labels) and labels.view(-1); -100 is ignored.</summary>
    public static torch.Tensor TokenCrossEntropy(torch.Tensor logits, torch.Tensor labels, int numLabels)
    {
        using var flatLogits = logits.view(-1, numLabels);
        using var flatLabels = labels.view(-1);
        return F.cross_entropy(flatLogits, flatLabels);
    }

    /// <summary>
    /// Sequence classification: problem_type regression (or num_labels 1 when unset) is MSELoss on
    /// squeezed logits and labels; otherwise cross entropy with -100 ignored.
    /// </summary>
    public static torch.Tensor Sequence(torch.Tensor logits, torch.Tensor labels, ModelConfig config)
    {
        var regression = config.ProblemType == "regression" || (config.ProblemType is null && config.NumLabels == 1);
        if (regression)
        {
            using var l = config.NumLabels == 1 ? logits.squeeze() : logits.alias();
            using var asFloat = labels.to(ScalarType.Float32);
            using var t = config.NumLabels == 1 ? asFloat.squeeze() : asFloat.alias();
            return F.mse_loss(l, t);
        }
        if (labels.dtype.IsFloatingPoint())
            throw new NotSupportedException(
                $"float labels with {config.NumLabels} labels mean multi-label classification to transformers (BCEWithLogits), which is not supported: pass int64 class ids");
        using var flatLogits = logits.view(-1, config.NumLabels);
        using var flatLabels = labels.view(-1);
        return F.cross_entropy(flatLogits, flatLabels);
    }
}
