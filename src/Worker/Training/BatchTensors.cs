using Orchestrator.Shared.Data;
using Orchestrator.Torch;

namespace Orchestrator.Worker.Training;

/// <summary>A collated batch as int64 tensors in the current dispose scope.</summary>
public sealed record BatchTensors(torch.Tensor InputIds, torch.Tensor AttentionMask, torch.Tensor TokenTypeIds, torch.Tensor Labels)
{
    public static BatchTensors From(Batch batch)
    {
        long[] shape = [batch.Shape[0], batch.Shape[1]];
        var labelShape = batch.LabelShape.Select(d => (long)d).ToArray();
        return new BatchTensors(
            torch.tensor(batch.InputIds, shape),
            torch.tensor(batch.AttentionMask, shape),
            torch.tensor(batch.TokenTypeIds, shape),
            torch.tensor(batch.Labels, labelShape));
    }

    /// <summary>Positions that count towards the loss (labels other than -100).</summary>
    public static long CountLabelled(Batch batch) => CountLabelled(batch.Labels);

    /// <summary>Positions whose label is not the ignore index (-100).</summary>
    public static long CountLabelled(ReadOnlySpan<long> labels) => labels.Length - labels.Count((long)LabelAligner.IgnoreIndex);
}
