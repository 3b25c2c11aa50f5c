using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.T5;

/// <summary>
/// T5LayerNorm: root-mean-square normalisation, scale only. No mean subtraction and no bias; the variance is
/// computed in float32 whatever the hidden dtype (transformers' comment: "half-precision inputs is done in fp32").
/// </summary>
public sealed class T5LayerNorm : Module
{
    public Parameter weight { get; }
    public double variance_epsilon { get; }

    public T5LayerNorm(long hiddenSize, double eps = 1e-6)
    {
        variance_epsilon = eps;
        using var ones = torch.ones([hiddenSize]);
        weight = register_parameter("weight", new Parameter(ones))!;
    }

    public torch.Tensor forward(torch.Tensor hidden)
    {
        using var asFloat = hidden.to(ScalarType.Float32);
        using var squared = asFloat.pow(2.0);
        using var variance = squared.mean(-1, keepdim: true);
        using var shifted = variance.add(variance_epsilon);
        using var inverse = shifted.rsqrt();
        using var normed = hidden.mul(inverse);
        if (weight.dtype is ScalarType.Float16 or ScalarType.BFloat16)
        {
            using var cast = normed.to(weight.dtype);
            return weight.mul(cast);
        }
        return weight.mul(normed);
    }
}
