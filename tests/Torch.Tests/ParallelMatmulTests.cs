using static Orchestrator.Torch.torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Torch.Tests;

/// <summary>
/// Linear layers and batched matmuls split across the intra-op threads (native/src/parallel_matmul.cpp) give, forward
/// and backward, what libtorch's own single-call ops give; the split is taken only when it can pay.
/// </summary>
public class ParallelMatmulTests
{
    private sealed record Result(string? GradFn, float[] Output, float[][] Grads);

    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 3)]
    [InlineData(true, 2)]
    public void LinearSplitAcrossThreadsEqualsOneCall(bool bias, int inputDims)
    {
        using var generator = new Generator(11);
        using var x = inputDims == 3 ? randn([8, 33, 64], generator) : randn([263, 64], generator);
        using var w = randn([96, 64], generator).mul(0.1);
        using var b = randn([96], generator);
        using var probe = randn(inputDims == 3 ? [8, 33, 96] : [263, 96], generator);

        Result Run() => Linear(x, w, bias ? b : null, probe);
        var single = ComputeThreads.RunOnOwnThread(1, Run);
        var split = ComputeThreads.RunOnOwnThread(2, Run);

        Assert.Contains("SplitLinear", split.GradFn);
        Assert.DoesNotContain("SplitLinear", single.GradFn);
        AssertClose(single.Output, split.Output, "output");
        for (var i = 0; i < single.Grads.Length; i++) AssertClose(single.Grads[i], split.Grads[i], $"grad {i}");
    }

    // Fewer than 64 rows (decoding: batch x beams) split by output columns, one row included; odd column counts leave
    // the last thread a block that is not a multiple of 64, and the odd inner dimension keeps BLAS off its aligned path.
    [Theory]
    [InlineData(1, 1001, true)]
    [InlineData(1, 333, false)]
    [InlineData(3, 333, true)]
    [InlineData(8, 1001, false)]
    [InlineData(8, 333, true)]
    [InlineData(33, 1001, true)]
    [InlineData(33, 333, false)]
    public void FewRowLinearSplitByColumnsEqualsOneCall(int rows, int columns, bool bias)
    {
        using var generator = new Generator(16);
        using var x = randn([rows, 4099], generator);
        using var w = randn([columns, 4099], generator).mul(0.05);
        using var b = randn([columns], generator);
        using var probe = randn([rows, columns], generator);

        Result Run() => Linear(x, w, bias ? b : null, probe);
        var single = ComputeThreads.RunOnOwnThread(1, Run);
        var split = ComputeThreads.RunOnOwnThread(2, Run);
        var again = ComputeThreads.RunOnOwnThread(2, Run);

        Assert.Contains("SplitLinear", split.GradFn);
        Assert.DoesNotContain("SplitLinear", single.GradFn);
        AssertClose(single.Output, split.Output, "output");
        for (var i = 0; i < single.Grads.Length; i++) AssertClose(single.Grads[i], split.Grads[i], $"grad {i}");
        Assert.Equal(split.Output, again.Output);
        for (var i = 0; i < split.Grads.Length; i++) Assert.Equal(split.Grads[i], again.Grads[i]);
    }

    [Fact]
    public void AttentionShapedMatmulsSplitAcrossThreadsEqualOneCall()
    {
        // As in self-attention: permuted query and a transposed key view (neither contiguous), then probabilities @ value.
        using var generator = new Generator(12);
        using var q = randn([4, 64, 3, 32], generator);
        using var k = randn([4, 64, 3, 32], generator);
        using var v = randn([4, 64, 3, 32], generator);
        using var probe = randn([4, 3, 64, 32], generator);

        Result Run()
        {
            using var scope = NewDisposeScope();
            var (qq, kk, vv) = (q.clone().requires_grad_(), k.clone().requires_grad_(), v.clone().requires_grad_());
            var scores = qq.permute(0, 2, 1, 3).matmul(kk.permute(0, 2, 3, 1));
            var context = F.softmax(scores, -1).matmul(vv.permute(0, 2, 1, 3));
            context.mul(probe).sum().backward();
            return new Result(scores.grad_fn_name, context.data<float>(), [qq.grad!.data<float>(), kk.grad!.data<float>(), vv.grad!.data<float>()]);
        }

        var single = ComputeThreads.RunOnOwnThread(1, Run);
        var split = ComputeThreads.RunOnOwnThread(2, Run);

        Assert.Contains("SplitBatchedMatmul", split.GradFn);
        AssertClose(single.Output, split.Output, "context");
        for (var i = 0; i < 3; i++) AssertClose(single.Grads[i], split.Grads[i], "grad of " + "qkv"[i]);
    }

    [Fact]
    public void SmallProductsAndBroadcastMatmulsKeepLibtorchsOwnOps()
    {
        using var generator = new Generator(13);
        using var small = randn([4, 8], generator);
        using var w = randn([8, 8], generator);
        using var row = randn([1, 512], generator);
        using var square = randn([512, 512], generator);
        using var a = randn([2, 3, 64, 64], generator);
        using var shared = randn([64, 64], generator);

        var names = ComputeThreads.RunOnOwnThread(2, () =>
        {
            using var scope = NewDisposeScope();
            var y = F.linear(small.clone().requires_grad_(), w);
            // One row of a 512 x 512 layer: a quarter of the minimum work, wide enough for a column split.
            var oneRow = F.linear(row.clone().requires_grad_(), square);
            var broadcast = a.clone().requires_grad_().matmul(shared);
            return (y.grad_fn_name, oneRow.grad_fn_name, broadcast.grad_fn_name);
        });

        Assert.DoesNotContain("SplitLinear", names.Item1);
        Assert.DoesNotContain("SplitLinear", names.Item2);
        Assert.DoesNotContain("SplitBatchedMatmul", names.Item3);
    }

    // Generation runs without gradients; 256 rows split by rows, 1 and 8 by columns.
    [Theory]
    [InlineData(256, 64)]
    [InlineData(8, 4096)]
    [InlineData(1, 16384)]
    public void WithoutGradientsTheSplitProductStillComputes(int rows, int inner)
    {
        using var generator = new Generator(14);
        using var x = randn([rows, inner], generator);
        using var w = randn([128 + 64 + 7, inner], generator);
        var expected = ComputeThreads.RunOnOwnThread(1, () => { using var s = NewDisposeScope(); return F.linear(x, w).data<float>(); });
        var actual = ComputeThreads.RunOnOwnThread(2, () =>
        {
            using var s = NewDisposeScope();
            using var _ = no_grad();
            return F.linear(x, w).data<float>();
        });
        AssertClose(expected, actual, "no-grad output");
    }

    [Fact]
    public void SecondDerivativesFlowThroughTheSplitProducts()
    {
        using var generator = new Generator(15);
        using var x = randn([256, 64], generator);
        using var w = randn([128, 64], generator).mul(0.1);

        // d/dw of |d loss/dx|^2 needs backward(create_graph: true) to build a graph through the linear's backward.
        float[] SecondOrder()
        {
            using var scope = NewDisposeScope();
            var xx = x.clone().requires_grad_();
            var ww = w.clone().requires_grad_();
            var y = F.linear(xx, ww);
            y.mul(y).sum().backward(create_graph: true);
            var gradX = xx.grad!;
            ww.grad = null;
            gradX.mul(gradX).sum().backward();
            return ww.grad!.data<float>();
        }

        AssertClose(ComputeThreads.RunOnOwnThread(1, SecondOrder), ComputeThreads.RunOnOwnThread(2, SecondOrder), "second-order grad of w");
    }

    private static Result Linear(Tensor x, Tensor w, Tensor? b, Tensor probe)
    {
        using var scope = NewDisposeScope();
        var xx = x.clone().requires_grad_();
        var ww = w.clone().requires_grad_();
        var bb = b?.clone().requires_grad_();
        var y = F.linear(xx, ww, bb);
        y.mul(probe).sum().backward();
        var grads = new List<float[]> { xx.grad!.data<float>(), ww.grad!.data<float>() };
        if (bb is not null) grads.Add(bb.grad!.data<float>());
        return new Result(y.grad_fn_name, y.data<float>(), grads.ToArray());
    }

    // Each element is one dot product either way; BLAS may round a block differently depending on where the rows start.
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Max(Math.Abs);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * scale, $"{what}[{i}]: {expected[i]:R} vs {actual[i]:R}");
    }
}
