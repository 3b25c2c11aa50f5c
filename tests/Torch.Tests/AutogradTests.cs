using Orchestrator.Torch;

namespace Orchestrator.Torch.Tests;

public class AutogradTests
{
    [Fact]
    public void BackwardFromAScalarFillsLeafGradients()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 1, 2, 3 }).requires_grad_();
        Assert.True(x.requires_grad);
        Assert.True(x.is_leaf);
        Assert.Null(x.grad);
        var y = (x * x).sum();
        Assert.False(y.is_leaf);
        y.backward();
        Assert.Equal(new float[] { 2, 4, 6 }, x.grad!.data<float>());
        // A second backward accumulates, as in PyTorch.
        (x * 3).sum().backward();
        Assert.Equal(new float[] { 5, 7, 9 }, x.grad!.data<float>());
    }

    [Fact]
    public void BackwardWithAnExplicitGradientTensor()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 1, 2 }).requires_grad_();
        var y = x * 2;
        Assert.Throws<TorchException>(() => y.backward());
        y.backward(torch.tensor(new float[] { 1, 10 }));
        Assert.Equal(new float[] { 2, 20 }, x.grad!.data<float>());
    }

    [Fact]
    public void SettingGradToNullClearsItAndReadingItDoesNotLeak()
    {
        var before = LiveTensors.Settled();
        using (var x = torch.ones([4], requires_grad: true))
        {
            using (torch.NewDisposeScope())
            {
                x.sum().backward();
                for (var i = 0; i < 100; i++) Assert.NotNull(x.grad);
            }
            Assert.Equal(before + 1, torch.LiveTensorCount);
            x.grad = null;
            Assert.Null(x.grad);
            using var g = torch.full([4], 3.0);
            x.grad = g;
            using var read = x.grad!;
            Assert.Equal(new float[] { 3, 3, 3, 3 }, read.data<float>());
        }
        Assert.Equal(before, torch.LiveTensorCount);
    }

    [Fact]
    public void DetachAndNoGradStopRecording()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2], requires_grad: true);
        Assert.False(x.detach().requires_grad);
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            Assert.False((x * 2).requires_grad);
            using (torch.enable_grad()) Assert.True((x * 2).requires_grad);
            Assert.False(torch.is_grad_enabled());
        }
        Assert.True(torch.is_grad_enabled());
        Assert.True((x * 2).requires_grad);
    }

    [Fact]
    public void NoGradIsThreadLocal()
    {
        using var guard = torch.no_grad();
        var otherThread = false;
        var thread = new Thread(() => otherThread = torch.is_grad_enabled());
        thread.Start();
        thread.Join();
        Assert.True(otherThread);
        Assert.False(torch.is_grad_enabled());
    }

    [Fact]
    public void ManualSeedAndGeneratorsReproduceSequences()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(42);
        var a = torch.randn([8]).data<float>();
        torch.manual_seed(42);
        var b = torch.randn([8]).data<float>();
        Assert.Equal(a, b);
        using var g = new torch.Generator(42);
        Assert.Equal(42UL, g.initial_seed());
        Assert.Equal(a, torch.randn([8], g).data<float>());
        Assert.NotEqual(a, torch.randn([8], g).data<float>());
    }

    [Fact]
    public void RngStateRoundTripResumesTheExactSequence()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        torch.rand([5]);
        var state = torch.get_rng_state();
        Assert.Equal(5056, state.Length);
        var expected = torch.rand([16]).data<float>();
        torch.manual_seed(99);
        torch.set_rng_state(state);
        Assert.Equal(expected, torch.rand([16]).data<float>());

        using var g = new torch.Generator(5);
        var gState = g.get_state();
        var fromG = torch.randint(0, 1000, [10], g).data<long>();
        g.set_state(gState);
        Assert.Equal(fromG, torch.randint(0, 1000, [10], g).data<long>());
        Assert.Throws<TorchException>(() => g.set_state(new byte[10]));
    }
}
