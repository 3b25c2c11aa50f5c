using Orchestrator.Torch;

namespace Orchestrator.Worker.Tests;

public class ComputeThreadTests
{
    [Fact]
    public void PostedWorkRunsInOrderOnOneThreadWithItsIntraOpThreads()
    {
        var seen = new List<(int Order, int ThreadId, int TorchThreads)>();
        using var done = new CountdownEvent(5);
        using (var compute = new ComputeThread("test-compute", intraOpThreads: 2))
        {
            for (var i = 0; i < 5; i++)
            {
                var order = i;
                compute.Post(() =>
                {
                    lock (seen) seen.Add((order, Environment.CurrentManagedThreadId, torch.get_num_threads()));
                    done.Signal();
                });
            }
            Assert.True(done.Wait(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal([0, 1, 2, 3, 4], seen.Select(s => s.Order));
        Assert.Single(seen.Select(s => s.ThreadId).Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, seen[0].ThreadId);
        Assert.All(seen, s => Assert.Equal(2, s.TorchThreads));
    }

    [Fact]
    public void NothingIsAcceptedOnceDisposed()
    {
        var compute = new ComputeThread("test-compute", intraOpThreads: 1);
        compute.Dispose();
        Assert.Throws<InvalidOperationException>(() => compute.Post(() => { }));
    }
}
