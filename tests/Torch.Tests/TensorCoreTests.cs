using Orchestrator.Torch;

namespace Orchestrator.Torch.Tests;

public class TensorCoreTests
{
    [Fact]
    public void RoundTripsDataAndShape()
    {
        using var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.data<float>());
    }

    [Fact]
    public void LibtorchErrorsBecomeTorchExceptionsWithTheMessage()
    {
        using var a = torch.zeros([2, 3]);
        using var b = torch.zeros([4, 5]);
        var error = Assert.Throws<TorchException>(() => a.add(b));
        Assert.Contains("size of tensor a (3) must match the size of tensor b (5)", error.Message);
    }

    [Fact]
    public void DisposeScopeFreesEverythingCreatedInsideIt()
    {
        var before = LiveTensors.Settled();
        torch.Tensor kept;
        using (torch.NewDisposeScope())
        {
            using var a = torch.tensor(new float[] { 1, 2 });
            var b = a + a;
            var c = b + a;
            kept = (c + c).MoveToOuterDisposeScope();
        }
        Assert.Equal(before + 1, torch.LiveTensorCount);
        Assert.Equal(new float[] { 6, 12 }, kept.data<float>());
        kept.Dispose();
        Assert.Equal(before, torch.LiveTensorCount);
    }
}
