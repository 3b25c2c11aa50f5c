using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.Bert;

/// <summary>BertSelfAttention (eager): scaled dot-product attention with an additive mask.</summary>
public sealed class BertSelfAttention : Module
{
    private readonly int heads;
    private readonly int headDim;

    public Linear query { get; }
    public Linear key { get; }
    public Linear value { get; }
    public Dropout dropout { get; }

    public BertSelfAttention(ModelConfig config)
    {
        heads = config.NumAttentionHeads;
        headDim = config.HeadDim;
        query = register_module("query", new Linear(config.HiddenSize, config.HiddenSize));
        key = register_module("key", new Linear(config.HiddenSize, config.HiddenSize));
        value = register_module("value", new Linear(config.HiddenSize, config.HiddenSize));
        dropout = register_module("dropout", new Dropout(config.AttentionProbsDropoutProb));
    }

    /// <param name="additiveMask">[batch, 1, 1, seq]: 0 for tokens, finfo(float32).min for padding.</param>
    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor additiveMask)
    {
        var (batch, seq) = (hidden.size(0), hidden.size(1));
        using var q = Heads(query.forward(hidden), batch, seq);
        using var k = Heads(key.forward(hidden), batch, seq);
        using var v = Heads(value.forward(hidden), batch, seq);
        using var kT = k.transpose(-1, -2);
        using var raw = q.matmul(kT);
        using var scaled = raw.div(Math.Sqrt(headDim));
        using var masked = scaled.add(additiveMask);
        using var probs = masked.softmax(-1);
        using var dropped = dropout.forward(probs);
        using var context = dropped.matmul(v);
        using var merged = context.permute(0, 2, 1, 3);
        using var contiguous = merged.contiguous();
        return contiguous.view(batch, seq, heads * headDim);
    }

    // transpose_for_scores: [batch, seq, hidden] -> [batch, heads, seq, head_dim]
    private torch.Tensor Heads(torch.Tensor projected, long batch, long seq)
    {
        using (projected)
        using (var split = projected.view(batch, seq, heads, headDim))
            return split.permute(0, 2, 1, 3);
    }
}

/// <summary>
/// dense, dropout, LayerNorm of the residual sum: the shape Hugging Face repeats as BertSelfOutput
/// (after attention) and BertOutput (after the intermediate layer), with the same parameter names.
/// </summary>
public abstract class BertResidualOutput : Module
{
    public Linear dense { get; }
    public LayerNorm LayerNorm { get; }
    public Dropout dropout { get; }

    protected BertResidualOutput(ModelConfig config, int inputSize)
    {
        dense = register_module("dense", new Linear(inputSize, config.HiddenSize));
        LayerNorm = register_module("LayerNorm", new LayerNorm(config.HiddenSize, config.LayerNormEps));
        dropout = register_module("dropout", new Dropout(config.HiddenDropoutProb));
    }

    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor input)
    {
        using var projected = dense.forward(hidden);
        using var dropped = dropout.forward(projected);
        using var sum = dropped.add(input);
        return LayerNorm.forward(sum);
    }
}

/// <summary>BertSelfOutput: the residual output of the attention block.</summary>
public sealed class BertSelfOutput(ModelConfig config) : BertResidualOutput(config, config.HiddenSize);

/// <summary>BertAttention: `self` and `output`.</summary>
public sealed class BertAttention : Module
{
    public BertSelfAttention self { get; }
    public BertSelfOutput output { get; }

    public BertAttention(ModelConfig config)
    {
        self = register_module("self", new BertSelfAttention(config));
        output = register_module("output", new BertSelfOutput(config));
    }

    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor additiveMask)
    {
        using var attended = self.forward(hidden, additiveMask);
        return output.forward(attended, hidden);
    }
}
