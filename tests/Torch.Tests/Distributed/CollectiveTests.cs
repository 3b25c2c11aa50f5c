using Orchestrator.Torch.Distributed;

namespace Orchestrator.Torch.Tests.Distributed;

public class CollectiveTests
{
    [Fact]
    public void AllReduceSumsInPlaceOnEveryRank()
    {
        var results = TwoRanks.Run(group =>
        {
            using var t = torch.tensor(group.Rank == 0 ? new float[] { 1, 2, 3 } : new float[] { 10, 20, 30 });
            group.AllReduce(t);
            return t.data<float>();
        });
        Assert.Equal(new float[] { 11, 22, 33 }, results[0]);
        Assert.Equal(new float[] { 11, 22, 33 }, results[1]);
    }

    [Fact]
    public void AllReduceAverageDividesTheSumByTheGroupSize()
    {
        var results = TwoRanks.Run(group =>
        {
            using var t = torch.tensor(group.Rank == 0 ? new double[] { 1, 4, -3 } : new double[] { 2, 8, 0 }, [3]);
            group.AllReduce(t, ReduceOp.Avg);
            return t.data<double>();
        });
        Assert.All(results, r => Assert.Equal(new[] { 1.5, 6.0, -1.5 }, r));
    }

    [Fact]
    public void AllReduceMaxAndMinPickTheExtremes()
    {
        var results = TwoRanks.Run(group =>
        {
            using var max = torch.tensor(group.Rank == 0 ? new long[] { 5, -1 } : new long[] { 2, 7 });
            using var min = torch.tensor(group.Rank == 0 ? new long[] { 5, -1 } : new long[] { 2, 7 });
            group.AllReduce(max, ReduceOp.Max);
            group.AllReduce(min, ReduceOp.Min);
            return (max.data<long>(), min.data<long>());
        });
        Assert.All(results, r =>
        {
            Assert.Equal(new long[] { 5, 7 }, r.Item1);
            Assert.Equal(new long[] { 2, -1 }, r.Item2);
        });
    }

    [Fact]
    public void AverageOfIntegerTensorsIsRefused()
    {
        var results = TwoRanks.Run(group =>
        {
            using var t = torch.tensor(new long[] { 1, 2 });
            var error = Assert.Throws<TorchException>(() => group.AllReduce(t, ReduceOp.Avg));
            return error.Message;
        });
        Assert.All(results, m => Assert.Contains("floating-point", m));
    }

    [Fact]
    public void AsyncAllReduceCompletesWhenWaited()
    {
        var results = TwoRanks.Run(group =>
        {
            using var a = torch.tensor(new float[] { group.Rank + 1f });
            using var b = torch.tensor(new float[] { 10f * (group.Rank + 1) });
            using var first = group.AllReduceAsync(a, ReduceOp.Avg);
            using var second = group.AllReduceAsync(b);
            second.Wait();
            first.Wait();
            Assert.True(first.IsCompleted);
            return (a.item<float>(), b.item<float>());
        });
        Assert.All(results, r => Assert.Equal((1.5f, 30f), r));
    }

    [Fact]
    public void CoalescedAllReduceAveragesABucketOfTensorsOfDifferentShapes()
    {
        var results = TwoRanks.Run(group =>
        {
            var scale = group.Rank == 0 ? 1f : 3f;
            using var weight = torch.tensor(new[] { 1f * scale, 2f * scale, 3f * scale, 4f * scale }, [2, 2]);
            using var bias = torch.tensor(new[] { 10f * scale });
            group.AllReduceCoalesced([weight, bias], ReduceOp.Avg);
            return (weight.data<float>(), weight.shape, bias.data<float>());
        });
        Assert.All(results, r =>
        {
            Assert.Equal(new float[] { 2, 4, 6, 8 }, r.Item1);
            Assert.Equal([2L, 2L], r.Item2);
            Assert.Equal(new float[] { 20 }, r.Item3);
        });
    }

    [Fact]
    public void AllGatherReturnsEveryRanksTensorInRankOrder()
    {
        var results = TwoRanks.Run(group =>
        {
            using var mine = torch.tensor(new long[] { group.Rank, 100 + group.Rank, 200 + group.Rank }, [1, 3]);
            var gathered = group.AllGather(mine);
            return gathered.Select(t => (t.shape, t.data<long>())).ToArray();
        });
        foreach (var gathered in results)
        {
            Assert.Equal(2, gathered.Length);
            Assert.Equal([1L, 3L], gathered[0].shape);
            Assert.Equal(new long[] { 0, 100, 200 }, gathered[0].Item2);
            Assert.Equal(new long[] { 1, 101, 201 }, gathered[1].Item2);
        }
    }

    [Fact]
    public void AllGatherIntoTensorConcatenatesRowsByRank()
    {
        var results = TwoRanks.Run(group =>
        {
            var r = group.Rank;
            using var mine = torch.tensor(new float[] { r, r + 0.5f, -r, 7 }, [2, 2]);
            using var all = torch.zeros([4, 2]);
            group.AllGatherIntoTensor(all, mine);
            return all.data<float>();
        });
        Assert.All(results, r => Assert.Equal(new float[] { 0, 0.5f, 0, 7, 1, 1.5f, -1, 7 }, r));
    }

    [Fact]
    public void AllGatherIntoTensorRejectsAWronglySizedOutput()
    {
        var results = TwoRanks.Run(group =>
        {
            using var mine = torch.zeros([2, 2]);
            using var all = torch.zeros([3, 2]);
            return Assert.Throws<TorchException>(() => group.AllGatherIntoTensor(all, mine)).Message;
        });
        Assert.All(results, m => Assert.Contains("world_size * input rows", m));
    }

    [Fact]
    public void BroadcastCopiesTheRootsTensorToEveryRank()
    {
        var results = TwoRanks.Run(group =>
        {
            using var t = group.Rank == 1 ? torch.tensor(new float[] { 3, 1, 4 }) : torch.zeros([3]);
            group.Broadcast(t, root: 1);
            return t.data<float>();
        });
        Assert.All(results, r => Assert.Equal(new float[] { 3, 1, 4 }, r));
    }

    [Fact]
    public void BarrierHoldsEveryRankUntilTheSlowestArrives()
    {
        var released = new long[2];
        var slowArrival = 0L;
        TwoRanks.Run(group =>
        {
            if (group.Rank == 1)
            {
                Thread.Sleep(300);
                Interlocked.Exchange(ref slowArrival, Environment.TickCount64);
            }
            group.Barrier();
            released[group.Rank] = Environment.TickCount64;
            return 0;
        });
        Assert.True(released[0] >= Interlocked.Read(ref slowArrival), "rank 0 left the barrier before rank 1 reached it");
    }

    [Fact]
    public void CollectivesLeakNoTensors()
    {
        var before = torch.LiveTensorCount;
        TwoRanks.Run(group =>
        {
            using var t = torch.tensor(new float[] { 1 });
            group.AllReduce(t);
            foreach (var g in group.AllGather(t)) g.Dispose();
            return 0;
        });
        Assert.Equal(before, torch.LiveTensorCount);
    }

    [Fact]
    public void GlooCanBindANamedInterface()
    {
        var results = TwoRanks.Run(group =>
        {
            using var t = torch.tensor(new float[] { group.Rank + 1f });
            group.AllReduce(t);
            return t.item<float>();
        }, gloo: new GlooOptions(Interfaces: "lo"));
        Assert.All(results, r => Assert.Equal(3f, r));
    }

    [Fact]
    public void BackendAvailabilityIsReported()
    {
        Assert.True(torch.distributed.is_gloo_available());
        // Debian's libtorch is a CPU build: NCCL cannot be there, and asking for it says why.
        Assert.False(torch.distributed.is_nccl_available());
        using var store = new TcpStore("127.0.0.1", 0, 1, isMaster: true, TimeSpan.FromSeconds(5));
        var error = Assert.Throws<TorchException>(() => new ProcessGroupNccl(store, 0, 1, TimeSpan.FromSeconds(5)));
        Assert.Contains("this libtorch has no NCCL", error.Message);
    }
}
