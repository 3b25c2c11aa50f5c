using Orchestrator.Torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Torch.Tests;

public class TensorOpsTests
{
    [Fact]
    public void FactoriesHaveTheRequestedShapeDtypeAndValues()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 1 }, torch.ones([2, 3]).data<float>());
        Assert.Equal(new float[] { 2.5f, 2.5f }, torch.full([2], 2.5).data<float>());
        Assert.Equal(new long[] { 0, 1, 2, 3 }, torch.arange(4).data<long>());
        Assert.Equal(ScalarType.Int64, torch.arange(4).dtype);
        Assert.Equal(new float[] { 0, 0.5f, 1, 1.5f }, torch.arange(0.0, 2.0, 0.5).data<float>());
        Assert.Equal([3L, 4L], torch.empty([3, 4], ScalarType.BFloat16).shape);
        Assert.Equal(ScalarType.Float16, torch.zeros([2], ScalarType.Float16).dtype);
        var x = torch.randn([5, 2]);
        Assert.Equal(new float[10], torch.zeros_like(x).data<float>());
        Assert.Equal(Enumerable.Repeat(1f, 10).ToArray(), torch.ones_like(x).data<float>());
        var ints = torch.randint(3, 7, [1000]).data<long>();
        Assert.All(ints, v => Assert.InRange(v, 3, 6));
        Assert.Equal(4, ints.Distinct().Count());
        var u = torch.rand([1000]).data<float>();
        Assert.All(u, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void ConversionsBetweenDtypesAndDevices()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 1.5f, -2.25f, 0f });
        Assert.Equal(new long[] { 1, -2, 0 }, x.to(ScalarType.Int64).data<long>());
        Assert.Equal(new int[] { 1, -2, 0 }, x.to(ScalarType.Int32).data<int>());
        Assert.Equal(new[] { true, true, false }, x.to(ScalarType.Bool).data<bool>());
        Assert.Equal(-2.25, x.to(ScalarType.BFloat16).select(0, 1).ToDouble());
        Assert.Equal(1.5, x.to(ScalarType.Float16).select(0, 0).ToDouble());
        Assert.Equal(torch.CPU, x.device);
        Assert.Equal("cpu", x.to(torch.CPU).device.ToString());
        Assert.Equal(new torch.Device(DeviceType.CUDA, 1), torch.device("cuda:1"));
        Assert.Throws<ArgumentException>(() => torch.device("tpu"));
        Assert.Throws<TorchException>(() => x.to(torch.CUDA(0)));
    }

    [Fact]
    public void ShapeOperationsMatchPyTorchSemantics()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(24).view(2, 3, 4);
        Assert.Equal([4L, 3L, 2L], x.permute(2, 1, 0).shape);
        Assert.False(x.transpose(0, 2).is_contiguous());
        Assert.True(x.transpose(0, 2).contiguous().is_contiguous());
        Assert.Equal(new long[] { 4, 5, 6, 7, 16, 17, 18, 19 }, x.narrow(1, 1, 1).flatten().data<long>());
        Assert.Equal(new long[] { 1, 3 }, x.select(0, 0).select(0, 0).slice(0, 1, 4, 2).data<long>());
        Assert.Equal([6L, 4L], x.reshape(-1, 4).shape);
        Assert.Equal([2L, 1L, 3L, 4L], x.unsqueeze(1).shape);
        Assert.Equal([2L, 3L, 4L], x.unsqueeze(1).squeeze().shape);
        Assert.Equal([2L, 12L], x.flatten(1).shape);
        var row = torch.tensor(new long[] { 1, 2 }).view(1, 2);
        Assert.Equal(new long[] { 1, 2, 1, 2, 1, 2 }, row.expand(3, 2).contiguous().data<long>());
        var m = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal(new float[] { 3, 1, 6, 4 }, m.index_select(1, torch.tensor(new long[] { 2, 0 })).data<float>());
        Assert.Equal(new float[] { 2, 6 }, m.gather(1, torch.tensor(new long[] { 1, 2 }, [2, 1])).data<float>());
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6 }, torch.cat([m, m], 0).data<float>());
        Assert.Equal([2L, 2L, 3L], torch.stack([m, m], 1).shape);
        var mask = m.gt(3.0);
        Assert.Equal(new float[] { 1, 2, 3, -1, -1, -1 }, m.masked_fill(mask, -1).data<float>());
        Assert.Equal(new float[] { 0, 0, 0, 4, 5, 6 }, torch.where(mask, m, 0.0).data<float>());
    }

    [Fact]
    public void ArithmeticBroadcastsAndSupportsScalarsAndInPlaceForms()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        var b = torch.tensor(new float[] { 10, 20 });
        Assert.Equal(new float[] { 11, 22, 13, 24 }, (a + b).data<float>());
        Assert.Equal(new float[] { -9, -18, -7, -16 }, (a - b).data<float>());
        Assert.Equal(new float[] { 2, 4, 6, 8 }, (a * 2).data<float>());
        Assert.Equal(new float[] { 1, 0.5f, 1f / 3, 0.25f }, (1.0 / a).data<float>());
        Assert.Equal(new float[] { 9, 8, 7, 6 }, (10 - a).data<float>());
        Assert.Equal(new float[] { 1, 4, 9, 16 }, a.pow(2).data<float>());
        Assert.Equal(new float[] { 2, 2, 3, 3 }, a.clamp(2, 3).data<float>());
        Assert.Equal(new float[] { 7, 10, 15, 22 }, a.matmul(a).data<float>());
        Assert.Equal(new float[] { 9, 13, 19, 27 }, (a + 1).addmm(a, a).data<float>());
        Assert.Equal(new[] { false, true, false, false }, a.eq(torch.tensor(new float[] { 0, 2, 0, 0 }, [2, 2])).data<bool>());
        Assert.Equal(new[] { true, false, false, false }, (a < 2).data<bool>());
        var c = a.clone();
        c.add_(b).mul_(2).sub_(1).div_(torch.full([2], 2.0));
        Assert.Equal(new float[] { 10.5f, 21.5f, 12.5f, 23.5f }, c.data<float>());
        var batch = torch.arange(0.0, 8.0).view(2, 2, 2);
        Assert.Equal(new float[] { 2, 3, 6, 11, 46, 55, 66, 79 }, batch.bmm(batch).data<float>());
    }

    [Fact]
    public void ReductionsOverAllAndAlongDimensions()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 5, 3, 4, 2, 6 }, [2, 3]);
        Assert.Equal(21f, a.sum().item<float>());
        Assert.Equal(3.5f, a.mean().item<float>());
        Assert.Equal(new float[] { 9, 12 }, a.sum(1).data<float>());
        Assert.Equal([2L, 1L], a.mean(1, keepdim: true).shape);
        var (values, indexes) = a.max(1);
        Assert.Equal(new float[] { 5, 6 }, values.data<float>());
        Assert.Equal(new long[] { 1, 2 }, indexes.data<long>());
        Assert.Equal(5L, a.argmax().item<long>());
        Assert.Equal(new long[] { 1, 0, 1 }, a.argmax(0).data<long>());
        Assert.Equal(MathF.Sqrt(91f), a.norm().item<float>(), 5);
        Assert.Equal(6f, a.max().item<float>());
    }

    [Fact]
    public void FunctionalOpsComputeTheirDefinitions()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { -1, 0, 2 });
        Assert.Equal(new float[] { 0, 0, 2 }, F.relu(x).data<float>());
        var g = F.gelu(x).data<float>();
        Assert.Equal(-1 * 0.5 * (1 + Erf(-1 / Math.Sqrt(2))), g[0], 6);
        var sm = x.softmax(0).data<float>();
        Assert.Equal(1f, sm.Sum(), 5);
        Assert.Equal(Math.Log(sm[2]), x.log_softmax(0).data<float>()[2], 5);
        var w = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]);
        Assert.Equal(new float[] { 3, 4, 1, 2 }, F.embedding(torch.tensor(new long[] { 1, 0 }), w).data<float>());
        var lin = F.linear(torch.ones([1, 2]), w, torch.tensor(new float[] { 1, 1, 1 }));
        Assert.Equal(new float[] { 4, 8, 12 }, lin.data<float>());
        var ln = F.layer_norm(torch.tensor(new float[] { 1, 3 }, [1, 2]), [2], eps: 0).data<float>();
        Assert.Equal(new float[] { -1, 1 }, ln);
        var logits = torch.tensor(new float[] { 2, 0, 0, 2, 1, 1 }, [3, 2]);
        var target = torch.tensor(new long[] { 0, -100, 1 });
        var perItem = F.cross_entropy(logits, target, reduction: torch.nn.Reduction.None).data<float>();
        Assert.Equal(0f, perItem[1]);
        Assert.Equal(Math.Log(1 + Math.Exp(-2)), perItem[0], 5);
        Assert.Equal((perItem[0] + perItem[2]) / 2, F.cross_entropy(logits, target).item<float>(), 6);
        Assert.Equal(perItem[0] + perItem[2], F.cross_entropy(logits, target, reduction: torch.nn.Reduction.Sum).item<float>(), 6);
        Assert.Equal(2.5f, F.mse_loss(torch.tensor(new float[] { 1, 2 }), torch.tensor(new float[] { 0, 4 })).item<float>());
    }

    [Fact]
    public void DropoutKeepsOrScalesAndFollowsTheGenerator()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([1000]);
        Assert.Equal(x.data<float>(), F.dropout(x, 0.3, training: false).data<float>());
        using var g1 = new torch.Generator(7);
        using var g2 = new torch.Generator(7);
        var a = F.dropout(x, 0.3, true, g1).data<float>();
        var b = F.dropout(x, 0.3, true, g2).data<float>();
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.7f) < 1e-6));
        Assert.InRange(a.Count(v => v == 0f), 230, 370);
    }

    private static double Erf(double x)
    {
        // Abramowitz-Stegun 7.1.26 is too coarse for 1e-6; integrate the series instead.
        double sum = 0, term = x;
        for (var n = 0; n < 60; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
