using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.T5;

/// <summary>T5LayerSelfAttention: pre-norm (`layer_norm`), `SelfAttention`, dropout, residual.</summary>
public sealed class T5LayerSelfAttention : Module
{
    public T5Attention SelfAttention { get; }
    public T5LayerNorm layer_norm { get; }
    public Dropout dropout { get; }

    public T5LayerSelfAttention(T5Config config, bool isDecoder, bool hasRelativeAttentionBias)
    {
        SelfAttention = register_module("SelfAttention", new T5Attention(config, isDecoder, hasRelativeAttentionBias));
        layer_norm = register_module("layer_norm", new T5LayerNorm(config.DModel, config.LayerNormEpsilon));
        dropout = register_module("dropout", new Dropout(config.DropoutRate));
    }

    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor? mask, torch.Tensor? positionBias, T5AttentionCache? cache, long pastLength, out torch.Tensor? computedBias)
    {
        using var normed = layer_norm.forward(hidden);
        using var attended = SelfAttention.forward(normed, mask, null, positionBias, cache, pastLength, out computedBias);
        using var dropped = dropout.forward(attended);
        return hidden.add(dropped);
    }
}

/// <summary>T5LayerCrossAttention: pre-norm, `EncDecAttention` over the encoder output, dropout, residual.</summary>
public sealed class T5LayerCrossAttention : Module
{
    public T5Attention EncDecAttention { get; }
    public T5LayerNorm layer_norm { get; }
    public Dropout dropout { get; }

    public T5LayerCrossAttention(T5Config config)
    {
        EncDecAttention = register_module("EncDecAttention", new T5Attention(config, isDecoder: true, hasRelativeAttentionBias: false));
        layer_norm = register_module("layer_norm", new T5LayerNorm(config.DModel, config.LayerNormEpsilon));
        dropout = register_module("dropout", new Dropout(config.DropoutRate));
    }

    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor encoderHidden, torch.Tensor? mask, torch.Tensor? positionBias, T5AttentionCache? cache, out torch.Tensor? computedBias)
    {
        using var normed = layer_norm.forward(hidden);
        using var attended = EncDecAttention.forward(normed, mask, encoderHidden, positionBias, cache, pastLength: 0, out computedBias);
        using var dropped = dropout.forward(attended);
        return hidden.add(dropped);
    }
}

/// <summary>The feed-forward of T5 v1.0: `wi`, activation (ReLU), dropout, `wo`.</summary>
public sealed class T5DenseActDense : Module
{
    private readonly string activation;

    public Linear wi { get; }
    public Linear wo { get; }
    public Dropout dropout { get; }

    public T5DenseActDense(T5Config config)
    {
        activation = config.DenseActFn;
        wi = register_module("wi", new Linear(config.DModel, config.DFf, hasBias: false));
        wo = register_module("wo", new Linear(config.DFf, config.DModel, hasBias: false));
        dropout = register_module("dropout", new Dropout(config.DropoutRate));
    }

    public torch.Tensor forward(torch.Tensor hidden)
    {
        using var projected = wi.forward(hidden);
        using var activated = Activations.Apply(activation, projected);
        using var dropped = dropout.forward(activated);
        return wo.forward(dropped);
    }
}

/// <summary>The gated feed-forward of T5 v1.1 and flan-t5: act(`wi_0` x) * `wi_1` x, dropout, `wo`.</summary>
public sealed class T5DenseGatedActDense : Module
{
    private readonly string activation;

    public Linear wi_0 { get; }
    public Linear wi_1 { get; }
    public Linear wo { get; }
    public Dropout dropout { get; }

    public T5DenseGatedActDense(T5Config config)
    {
        activation = config.DenseActFn;
        wi_0 = register_module("wi_0", new Linear(config.DModel, config.DFf, hasBias: false));
        wi_1 = register_module("wi_1", new Linear(config.DModel, config.DFf, hasBias: false));
        wo = register_module("wo", new Linear(config.DFf, config.DModel, hasBias: false));
        dropout = register_module("dropout", new Dropout(config.DropoutRate));
    }

    public torch.Tensor forward(torch.Tensor hidden)
    {
        using var gateInput = wi_0.forward(hidden);
        using var gate = Activations.Apply(activation, gateInput);
        using var linear = wi_1.forward(hidden);
        using var product = gate.mul(linear);
        using var dropped = dropout.forward(product);
        return wo.forward(dropped);
    }
}

/// <summary>T5LayerFF: pre-norm, `DenseReluDense` (plain or gated), dropout, residual.</summary>
public sealed class T5LayerFF : Module
{
    private readonly T5DenseActDense? plain;
    private readonly T5DenseGatedActDense? gated;

    /// <summary>T5DenseActDense or T5DenseGatedActDense, registered under transformers' name for both.</summary>
    public Module DenseReluDense => (Module?)plain ?? gated!;
    public T5LayerNorm layer_norm { get; }
    public Dropout dropout { get; }

    public T5LayerFF(T5Config config)
    {
        if (config.IsGatedAct) gated = register_module("DenseReluDense", new T5DenseGatedActDense(config));
        else plain = register_module("DenseReluDense", new T5DenseActDense(config));
        layer_norm = register_module("layer_norm", new T5LayerNorm(config.DModel, config.LayerNormEpsilon));
        dropout = register_module("dropout", new Dropout(config.DropoutRate));
    }

    public torch.Tensor forward(torch.Tensor hidden)
    {
        using var normed = layer_norm.forward(hidden);
        using var forwarded = plain is not null ? plain.forward(normed) : gated!.forward(normed);
        using var dropped = dropout.forward(forwarded);
        return hidden.add(dropped);
    }
}

/// <summary>
/// T5Block: `layer.0` self-attention, `layer.1` cross-attention (decoder only), last `layer` feed-forward.
/// </summary>
public sealed class T5Block : Module
{
    private readonly bool isDecoder;

    public ModuleList<Module> layer { get; }
    public T5LayerSelfAttention SelfAttentionLayer => (T5LayerSelfAttention)layer[0];
    public T5LayerCrossAttention? CrossAttentionLayer => isDecoder ? (T5LayerCrossAttention)layer[1] : null;
    public T5LayerFF FeedForwardLayer => (T5LayerFF)layer[^1];

    public T5Block(T5Config config, bool isDecoder, bool hasRelativeAttentionBias)
    {
        this.isDecoder = isDecoder;
        var layers = new List<Module> { new T5LayerSelfAttention(config, isDecoder, hasRelativeAttentionBias) };
        if (isDecoder) layers.Add(new T5LayerCrossAttention(config));
        layers.Add(new T5LayerFF(config));
        layer = register_module("layer", new ModuleList<Module>(layers));
    }

    /// <summary>Inputs and outputs of one block; biases computed by this block are handed back for the next blocks.</summary>
    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor? mask, ref torch.Tensor? positionBias,
        torch.Tensor? encoderHidden, torch.Tensor? encoderMask, ref torch.Tensor? encoderDecoderPositionBias,
        T5AttentionCache? selfCache, T5AttentionCache? crossCache, long pastLength)
    {
        using var attended = SelfAttentionLayer.forward(hidden, mask, positionBias, selfCache, pastLength, out var selfBias);
        positionBias ??= selfBias;
        if (CrossAttentionLayer is { } cross && encoderHidden is not null)
        {
            using var crossed = cross.forward(attended, encoderHidden, encoderMask, encoderDecoderPositionBias, crossCache, out var crossBias);
            encoderDecoderPositionBias ??= crossBias;
            return FeedForwardLayer.forward(crossed);
        }
        return FeedForwardLayer.forward(attended);
    }
}
