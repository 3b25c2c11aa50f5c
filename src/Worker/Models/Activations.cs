using Orchestrator.Torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Worker.Models;

/// <summary>The hidden activations of transformers' ACT2FN that BERT-family configs use.</summary>
public static class Activations
{
    public static IReadOnlyList<string> Supported { get; } = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu", "swish"];

    public static bool IsSupported(string name) => Supported.Contains(name);

    public static torch.Tensor Apply(string name, torch.Tensor x) => name switch
    {
        "gelu" => F.gelu(x),
        "gelu_pytorch_tanh" => F.gelu(x, "tanh"),
        "gelu_new" => GeluNew(x),
        "relu" => F.relu(x),
        "silu" or "swish" => Silu(x),
        _ => throw new NotSupportedException($"activation '{name}' is not supported (supported: {string.Join(", ", Supported)})"),
    };

    // transformers' NewGELUActivation, written op for op so results equal it bit for bit (not F.gelu(tanh)).
    private static torch.Tensor GeluNew(torch.Tensor x)
    {
        using var cube = x.pow(3.0);
        using var scaledCube = cube.mul(0.044715);
        using var inner = x.add(scaledCube);
        using var scaled = inner.mul(Math.Sqrt(2.0 / Math.PI));
        using var t = scaled.tanh();
        using var onePlus = t.add(1.0);
        using var half = x.mul(0.5);
        return half.mul(onePlus);
    }

    private static torch.Tensor Silu(torch.Tensor x)
    {
        using var s = x.sigmoid();
        return x.mul(s);
    }
}
