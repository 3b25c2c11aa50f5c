using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.Bert;

/// <summary>BertIntermediate: dense to intermediate_size, then hidden_act.</summary>
public sealed class BertIntermediate : Module
{
    private readonly string activation;

    public Linear dense { get; }

    public BertIntermediate(ModelConfig config)
    {
        activation = config.HiddenAct;
        dense = register_module("dense", new Linear(config.HiddenSize, config.IntermediateSize));
    }

    public torch.Tensor forward(torch.Tensor hidden)
    {
        using var projected = dense.forward(hidden);
        return Activations.Apply(activation, projected);
    }
}

/// <summary>BertOutput: dense back from intermediate_size to hidden_size, then the residual LayerNorm.</summary>
public sealed class BertOutput(ModelConfig config) : BertResidualOutput(config, config.IntermediateSize);

/// <summary>BertLayer: attention, intermediate, output.</summary>
public sealed class BertLayer : Module
{
    public BertAttention attention { get; }
    public BertIntermediate intermediate { get; }
    public BertOutput output { get; }

    public BertLayer(ModelConfig config)
    {
        attention = register_module("attention", new BertAttention(config));
        intermediate = register_module("intermediate", new BertIntermediate(config));
        output = register_module("output", new BertOutput(config));
    }

    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor additiveMask)
    {
        using var attended = attention.forward(hidden, additiveMask);
        using var expanded = intermediate.forward(attended);
        return output.forward(expanded, attended);
    }
}

/// <summary>BertEncoder: `layer.N`.</summary>
public sealed class BertEncoder : Module
{
    public ModuleList<BertLayer> layer { get; }

    public BertEncoder(ModelConfig config)
    {
        layer = register_module("layer", new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config))));
    }

    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor additiveMask)
    {
        var current = hidden.alias();
        foreach (var block in layer)
        {
            using var previous = current;
            current = block.forward(previous, additiveMask);
        }
        return current;
    }
}

/// <summary>BertPooler: the first token's hidden state through dense and tanh.</summary>
public sealed class BertPooler : Module
{
    public Linear dense { get; }

    public BertPooler(ModelConfig config)
    {
        dense = register_module("dense", new Linear(config.HiddenSize, config.HiddenSize));
    }

    public torch.Tensor forward(torch.Tensor hidden)
    {
        using var first = hidden.select(1, 0);
        using var projected = dense.forward(first);
        return projected.tanh();
    }
}
