using Orchestrator.Torch;
using static Orchestrator.Torch.torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Torch.Tests;

/// <summary>
/// Autograd of every bound differentiable op against central finite differences in float64
/// (like torch.autograd.gradcheck): d/dx sum(f(x) * R) for a fixed random R.
/// </summary>
public class GradCheckTests
{
    private const double Step = 1e-6;

    private static double[] Values(int count, int seed, double low = -1, double high = 1)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            double v;
            // Stay clear of the kinks of abs/relu/clamp/max (0, ±0.5) so differences are smooth.
            do v = low + (high - low) * random.NextDouble();
            while (Math.Abs(v) < 0.05 || Math.Abs(Math.Abs(v) - 0.5) < 0.05);
            values[i] = v;
        }
        return values;
    }

    private static (double[] values, long[] shape) In(long[] shape, int seed, double low = -1, double high = 1) =>
        (Values((int)shape.Aggregate(1L, (a, b) => a * b), seed, low, high), shape);

    private static Tensor Make((double[] values, long[] shape) input, bool requiresGrad) =>
        tensor(input.values, input.shape).requires_grad_(requiresGrad);

    private static void Check(Func<Tensor[], Tensor> f, params (double[] values, long[] shape)[] inputs)
    {
        using var scope = NewDisposeScope();
        var leaves = inputs.Select(i => Make(i, true)).ToArray();
        var output = f(leaves);
        Assert.Equal(ScalarType.Float64, output.dtype);
        var weights = tensor(Values((int)output.numel(), 99), output.shape);
        (output * weights).sum().backward();
        for (var k = 0; k < inputs.Length; k++)
        {
            var analytic = leaves[k].grad?.data<double>() ?? new double[inputs[k].values.Length];
            for (var j = 0; j < inputs[k].values.Length; j++)
            {
                var numeric = (Objective(f, inputs, weights, k, j, +Step) - Objective(f, inputs, weights, k, j, -Step)) / (2 * Step);
                Assert.True(Math.Abs(analytic[j] - numeric) <= 1e-5 + 1e-4 * Math.Abs(numeric),
                    $"input {k} element {j}: autograd {analytic[j]:R}, finite difference {numeric:R}");
            }
        }
    }

    private static double Objective(Func<Tensor[], Tensor> f, (double[] values, long[] shape)[] inputs, Tensor weights, int k, int j, double delta)
    {
        using var scope = NewDisposeScope();
        using var guard = no_grad();
        var shifted = inputs.Select((input, i) =>
        {
            var values = (double[])input.values.Clone();
            if (i == k) values[j] += delta;
            return tensor(values, input.shape);
        }).ToArray();
        return (f(shifted) * weights).sum().item<double>();
    }

    [Fact]
    public void Arithmetic() 
    {
        Check(x => x[0] + x[1], In([2, 3], 1), In([3], 2));
        Check(x => x[0].add(x[1], alpha: 0.3), In([2, 3], 1), In([2, 3], 2));
        Check(x => x[0] - x[1] * 2.0, In([2, 3], 1), In([2, 3], 2));
        Check(x => x[0] * x[1], In([2, 3], 3), In([2, 1], 4));
        Check(x => x[0] / x[1], In([2, 3], 5), In([2, 3], 6, 0.5, 2));
        Check(x => 1.5 / x[0] + (3.0 - x[0]), In([4], 7, 0.5, 2));
        Check(x => x[0].pow(3.0), In([5], 8));
        Check(x => x[0].pow(x[1]), In([4], 9, 0.5, 2), In([4], 10));
        Check(x => -x[0].abs() + x[0].maximum(x[1]), In([6], 11), In([6], 12));
    }

    [Fact]
    public void UnaryFunctions()
    {
        Check(x => x[0].exp(), In([5], 13));
        Check(x => x[0].log(), In([5], 14, 0.2, 3));
        Check(x => x[0].tanh(), In([5], 15));
        Check(x => x[0].erf(), In([5], 16));
        Check(x => x[0].sqrt(), In([5], 17, 0.2, 3));
        Check(x => x[0].rsqrt() + x[0].reciprocal(), In([5], 18, 0.2, 3));
        Check(x => x[0].sigmoid(), In([5], 19));
        Check(x => x[0].clamp(-0.5, 0.5) + x[0].clamp_min(0.0), In([8], 20));
        Check(x => F.relu(x[0]), In([6], 21));
        Check(x => F.gelu(x[0]), In([6], 22, -3, 3));
        Check(x => F.gelu(x[0], "tanh"), In([6], 23, -3, 3));
    }

    [Fact]
    public void LinearAlgebra()
    {
        Check(x => x[0].matmul(x[1]), In([2, 3], 24), In([3, 4], 25));
        Check(x => x[0].matmul(x[1]), In([2, 2, 3], 26), In([3], 27));
        Check(x => bmm(x[0], x[1]), In([2, 2, 3], 28), In([2, 3, 2], 29));
        Check(x => addmm(x[0], x[1], x[2], beta: 0.5, alpha: 2), In([2, 2], 30), In([2, 3], 31), In([3, 2], 32));
        Check(x => F.linear(x[0], x[1], x[2]), In([2, 3], 33), In([4, 3], 34), In([4], 35));
        Check(x => F.linear(x[0], x[1]), In([2, 3], 36), In([4, 3], 37));
    }

    [Fact]
    public void Reductions()
    {
        Check(x => x[0].sum(), In([2, 3], 38));
        Check(x => x[0].sum(1, keepdim: true), In([2, 3], 39));
        Check(x => x[0].mean(), In([2, 3], 40));
        Check(x => x[0].mean([0, 2]), In([2, 3, 2], 41));
        Check(x => x[0].max(1).values, In([3, 4], 42));
        Check(x => x[0].norm(), In([3, 4], 43));
        Check(x => x[0].softmax(-1), In([2, 4], 44));
        Check(x => x[0].log_softmax(1), In([2, 4], 45));
    }

    [Fact]
    public void ShapesAndIndexing()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new[] { true, false, true, false, false, true }, [2, 3]);
        var index = tensor(new long[] { 2, 0, 1, 1 }, [2, 2]);
        var columns = tensor(new long[] { 2, 0, 2 });
        Check(x => x[0].masked_fill(mask, -2.0), In([2, 3], 46));
        Check(x => where(mask, x[0], x[1]), In([2, 3], 47), In([2, 3], 48));
        Check(x => x[0].gather(1, index), In([2, 3], 49));
        Check(x => x[0].index_select(1, columns), In([2, 3], 50));
        Check(x => x[0].transpose(0, 1).reshape(3, 2).permute(1, 0).contiguous().view(6), In([2, 3], 51));
        Check(x => x[0].narrow(1, 1, 2) * x[0].slice(1, 0, 3, 2), In([2, 3], 52));
        Check(x => cat([x[0], x[1]], 0) + stack([x[1], x[1]], 0).flatten(0, 1), In([1, 3], 53), In([1, 3], 54));
        Check(x => x[0].unsqueeze(0).expand(2, 3).squeeze() * x[1], In([3], 55), In([2, 3], 56));
    }

    [Fact]
    public void NeuralNetworkFunctions()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 1, 0, 3, 1 }, [2, 2]);
        var target = tensor(new long[] { 2, -100, 0 });
        Check(x => F.layer_norm(x[0], [4], x[1], x[2], 1e-5), In([3, 4], 57), In([4], 58), In([4], 59));
        Check(x => F.embedding(ids, x[0]), In([4, 3], 60));
        // padding_idx rows take no gradient (PyTorch's rule), though the forward reads them.
        var table = Make(In([4, 3], 60), true);
        F.embedding(ids, table, padding_idx: 0).sum().backward();
        Assert.Equal(new double[] { 0, 0, 0, 2, 2, 2 }, table.grad!.narrow(0, 0, 2).data<double>());
        Check(x => F.cross_entropy(x[0], target), In([3, 4], 61));
        Check(x => F.cross_entropy(x[0], target, reduction: nn.Reduction.None), In([3, 4], 62));
        Check(x => F.nll_loss(x[0].log_softmax(1), target, reduction: nn.Reduction.Sum), In([3, 4], 63));
        Check(x => F.mse_loss(x[0], x[1]), In([2, 3], 64), In([2, 3], 65));
        // A fresh generator with the same seed per call gives the same mask each evaluation.
        Check(x =>
        {
            using var g = new Generator(5);
            return F.dropout(x[0], 0.4, true, g);
        }, In([10], 66));
    }
}
