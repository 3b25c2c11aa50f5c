using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.DistilBert;

/// <summary>MultiHeadSelfAttention: q_lin/k_lin/v_lin/out_lin, query scaled before the product, padded keys masked with finfo.min.</summary>
public sealed class MultiHeadSelfAttention : Module
{
    private readonly int heads;
    private readonly int headDim;

    public Dropout dropout { get; }
    public Linear q_lin { get; }
    public Linear k_lin { get; }
    public Linear v_lin { get; }
    public Linear out_lin { get; }

    public MultiHeadSelfAttention(ModelConfig config)
    {
        heads = config.NumAttentionHeads;
        headDim = config.HeadDim;
        dropout = register_module("dropout", new Dropout(config.AttentionProbsDropoutProb));
        q_lin = register_module("q_lin", new Linear(config.HiddenSize, config.HiddenSize));
        k_lin = register_module("k_lin", new Linear(config.HiddenSize, config.HiddenSize));
        v_lin = register_module("v_lin", new Linear(config.HiddenSize, config.HiddenSize));
        out_lin = register_module("out_lin", new Linear(config.HiddenSize, config.HiddenSize));
    }

    /// <param name="paddingMask">[batch, 1, 1, seq], true where the key is padding.</param>
    public torch.Tensor forward(torch.Tensor x, torch.Tensor paddingMask)
    {
        var batch = x.size(0);
        using var qHeads = Shape(q_lin.forward(x), batch);
        using var q = qHeads.div(Math.Sqrt(headDim));
        using var k = Shape(k_lin.forward(x), batch);
        using var v = Shape(v_lin.forward(x), batch);
        using var kT = k.transpose(2, 3);
        using var scores = q.matmul(kT);
        using var masked = scores.masked_fill(paddingMask, AttentionMasks.Float32Min);
        using var weights = masked.softmax(-1);
        using var dropped = dropout.forward(weights);
        using var context = dropped.matmul(v);
        using var swapped = context.transpose(1, 2);
        using var contiguous = swapped.contiguous();
        using var merged = contiguous.view(batch, -1, heads * headDim);
        return out_lin.forward(merged);
    }

    private torch.Tensor Shape(torch.Tensor projected, long batch)
    {
        using (projected)
        using (var split = projected.view(batch, -1, heads, headDim))
            return split.transpose(1, 2);
    }
}

/// <summary>FFN: lin1, activation, lin2, dropout.</summary>
public sealed class FFN : Module
{
    private readonly string activation;

    public Dropout dropout { get; }
    public Linear lin1 { get; }
    public Linear lin2 { get; }

    public FFN(ModelConfig config)
    {
        activation = config.HiddenAct;
        dropout = register_module("dropout", new Dropout(config.HiddenDropoutProb));
        lin1 = register_module("lin1", new Linear(config.HiddenSize, config.IntermediateSize));
        lin2 = register_module("lin2", new Linear(config.IntermediateSize, config.HiddenSize));
    }

    public torch.Tensor forward(torch.Tensor x)
    {
        using var expanded = lin1.forward(x);
        using var activated = Activations.Apply(activation, expanded);
        using var projected = lin2.forward(activated);
        return dropout.forward(projected);
    }
}

/// <summary>TransformerBlock: attention, sa_layer_norm, ffn, output_layer_norm (post-norm residuals).</summary>
public sealed class TransformerBlock : Module
{
    public MultiHeadSelfAttention attention { get; }
    public LayerNorm sa_layer_norm { get; }
    public FFN ffn { get; }
    public LayerNorm output_layer_norm { get; }

    public TransformerBlock(ModelConfig config)
    {
        attention = register_module("attention", new MultiHeadSelfAttention(config));
        sa_layer_norm = register_module("sa_layer_norm", new LayerNorm(config.HiddenSize, 1e-12));
        ffn = register_module("ffn", new FFN(config));
        output_layer_norm = register_module("output_layer_norm", new LayerNorm(config.HiddenSize, 1e-12));
    }

    public torch.Tensor forward(torch.Tensor x, torch.Tensor paddingMask)
    {
        using var attended = attention.forward(x, paddingMask);
        using var saSum = attended.add(x);
        using var saOutput = sa_layer_norm.forward(saSum);
        using var ffnOutput = ffn.forward(saOutput);
        using var sum = ffnOutput.add(saOutput);
        return output_layer_norm.forward(sum);
    }
}

/// <summary>Transformer: `layer.N`.</summary>
public sealed class Transformer : Module
{
    public ModuleList<TransformerBlock> layer { get; }

    public Transformer(ModelConfig config)
    {
        layer = register_module("layer", new ModuleList<TransformerBlock>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new TransformerBlock(config))));
    }

    public torch.Tensor forward(torch.Tensor x, torch.Tensor paddingMask)
    {
        var current = x.alias();
        foreach (var block in layer)
        {
            using var previous = current;
            current = block.forward(previous, paddingMask);
        }
        return current;
    }
}
