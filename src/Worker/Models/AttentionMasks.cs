using Orchestrator.Torch;

namespace Orchestrator.Worker.Models;

/// <summary>The attention masks transformers builds from a [batch, seq] 0/1 padding mask.</summary>
public static class AttentionMasks
{
    /// <summary>torch.finfo(torch.float32).min, which transformers 4.x adds to the scores of padded keys.</summary>
    public const double Float32Min = -3.4028234663852886e38;

    /// <summary>get_extended_attention_mask: (1 - mask[:, None, None, :]) * finfo(float32).min.</summary>
    public static torch.Tensor Additive(torch.Tensor attention_mask)
    {
        using var a = attention_mask.unsqueeze(1);
        using var b = a.unsqueeze(2);
        using var asFloat = b.to(ScalarType.Float32);
        using var inverted = 1.0 - asFloat;
        return inverted.mul(Float32Min);
    }

    /// <summary>DistilBERT's boolean mask of padded keys, [batch, 1, 1, seq] (mask == 0).</summary>
    public static torch.Tensor Padding(torch.Tensor attention_mask)
    {
        using var isPad = attention_mask.eq(0.0);
        using var a = isPad.unsqueeze(1);
        return a.unsqueeze(2);
    }
}
