using System.Diagnostics;
using Orchestrator.Torch.Distributed;

namespace Orchestrator.Torch.Tests.Distributed;

public class FailureTests
{
    [Fact]
    public void AllReduceRaisesWithinTheTimeoutWhenAPeerNeverJoins()
    {
        var timeout = TimeSpan.FromMilliseconds(1000);
        using var peerMayLeave = new ManualResetEventSlim();
        var results = TwoRanks.Run(group =>
        {
            if (group.Rank == 1)
            {
                // Alive (its connections stay open) but never calls the collective.
                peerMayLeave.Wait(TimeSpan.FromSeconds(20));
                return (Message: "", Elapsed: TimeSpan.Zero);
            }
            using var t = torch.tensor(new float[] { 1, 2 });
            var clock = Stopwatch.StartNew();
            var error = Assert.Throws<TorchException>(() => group.AllReduce(t));
            var elapsed = clock.Elapsed;
            peerMayLeave.Set();
            return (error.Message, Elapsed: elapsed);
        }, timeout);
        Assert.Contains("collective allreduce timed out", results[0].Message);
        Assert.Contains("rank 0 of 2, gloo", results[0].Message);
        Assert.InRange(results[0].Elapsed, timeout * 0.9, timeout + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void AbortFailsAPendingCollectiveAtOnce()
    {
        var timeout = TimeSpan.FromSeconds(20);
        using var peerMayLeave = new ManualResetEventSlim();
        var results = TwoRanks.Run(group =>
        {
            if (group.Rank == 1)
            {
                peerMayLeave.Wait(TimeSpan.FromSeconds(20));
                return (Message: "", Elapsed: TimeSpan.Zero);
            }
            using var t = torch.tensor(new float[] { 1 });
            using var work = group.AllReduceAsync(t);
            Thread.Sleep(200);
            Assert.False(work.IsCompleted);
            var clock = Stopwatch.StartNew();
            group.Abort();
            var error = Assert.Throws<TorchException>(() => work.Wait());
            var elapsed = clock.Elapsed;
            peerMayLeave.Set();
            return (error.Message, Elapsed: elapsed);
        }, timeout);
        Assert.Contains("collective allreduce aborted (rank 0 of 2, gloo)", results[0].Message);
        Assert.True(results[0].Elapsed < TimeSpan.FromSeconds(2), $"abort took {results[0].Elapsed}");
    }

    [Fact]
    public void WorkWaitWithAShortTimeoutRaisesWhileThePeerIsLate()
    {
        using var peerMayJoin = new ManualResetEventSlim();
        var results = TwoRanks.Run(group =>
        {
            using var t = torch.tensor(new float[] { group.Rank + 1f });
            if (group.Rank == 1)
            {
                peerMayJoin.Wait(TimeSpan.FromSeconds(20));
                group.AllReduce(t);
                return (Message: "", Value: t.item<float>());
            }
            using var work = group.AllReduceAsync(t);
            var error = Assert.Throws<TorchException>(() => work.Wait(TimeSpan.FromMilliseconds(200)));
            peerMayJoin.Set();
            // The collective itself was not cancelled: it completes once the peer joins.
            work.Wait();
            return (error.Message, Value: t.item<float>());
        });
        Assert.Contains("collective allreduce timed out after 200 ms", results[0].Message);
        Assert.Equal(3f, results[0].Value);
        Assert.Equal(3f, results[1].Value);
    }

    [Fact]
    public void GroupCreationRaisesWhenThePeerNeverArrives()
    {
        using var store = new TcpStore("127.0.0.1", 0, 2, isMaster: true, TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<TorchException>(() =>
            new ProcessGroupGloo(store, 0, 2, TimeSpan.FromMilliseconds(800), GlooOptions.Loopback));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void RankOutsideTheGroupIsRefused()
    {
        using var store = new TcpStore("127.0.0.1", 0, 1, isMaster: true, TimeSpan.FromSeconds(5));
        var error = Assert.Throws<TorchException>(() => new ProcessGroupGloo(store, 2, 2, TimeSpan.FromSeconds(1)));
        Assert.Contains("rank 2 is outside a group of size 2", error.Message);
    }

    [Fact]
    public void AllReduceFailsFastWhenThePeerGoesAway()
    {
        var timeout = TimeSpan.FromSeconds(20);
        using var peerGone = new ManualResetEventSlim();
        var results = TwoRanks.RunWithStores((rank, store) =>
        {
            var group = new ProcessGroupGloo(store, rank, 2, timeout, GlooOptions.Loopback);
            // Both ranks fully connected before one of them goes.
            group.Barrier();
            if (rank == 1)
            {
                // What a killed process leaves behind: its sockets closed.
                group.Abort();
                group.Dispose();
                peerGone.Set();
                return (Message: "", Elapsed: TimeSpan.Zero);
            }
            using (group)
            {
                peerGone.Wait(TimeSpan.FromSeconds(20));
                using var t = torch.tensor(new float[] { 1 });
                var clock = Stopwatch.StartNew();
                var error = Assert.Throws<TorchException>(() => group.AllReduce(t));
                var elapsed = clock.Elapsed;
                group.Abort();
                return (error.Message, Elapsed: elapsed);
            }
        });
        Assert.Contains("collective allreduce failed (rank 0 of 2, gloo)", results[0].Message);
        Assert.True(results[0].Elapsed < TimeSpan.FromSeconds(5), $"took {results[0].Elapsed}");
    }

    [Fact]
    public void GroupIsReformedOverAFreshPrefixAfterACollectiveTimedOut()
    {
        using var bothFailed = new Barrier(2);
        var results = TwoRanks.RunWithStores((rank, store) =>
        {
            using (var first = new PrefixStore("generation-1", store))
            using (var group = new ProcessGroupGloo(first, rank, 2, TimeSpan.FromMilliseconds(800), GlooOptions.Loopback))
            {
                // The ranks disagree on the collective (rank 1 broadcasts from itself while rank 0 waits
                // for an allreduce): both give up at the timeout.
                using var t = torch.tensor(new float[] { 1 });
                Assert.Throws<TorchException>(() =>
                {
                    if (rank == 0) group.AllReduce(t);
                    else group.Barrier();
                });
                group.Abort();
            }
            bothFailed.SignalAndWait(TimeSpan.FromSeconds(20));
            using var second = new PrefixStore("generation-2", store);
            using var fresh = new ProcessGroupGloo(second, rank, 2, TimeSpan.FromSeconds(10), GlooOptions.Loopback);
            using var value = torch.tensor(new float[] { rank + 1f });
            fresh.AllReduce(value);
            return value.item<float>();
        });
        Assert.All(results, r => Assert.Equal(3f, r));
    }

    [Fact]
    public void AbortOnOneRankReleasesItsPeersPendingCollective()
    {
        var timeout = TimeSpan.FromSeconds(20);
        using var aborted = new ManualResetEventSlim();
        using var peerDone = new ManualResetEventSlim();
        var results = TwoRanks.Run(group =>
        {
            group.Barrier();
            if (group.Rank == 1)
            {
                group.Abort();
                aborted.Set();
                peerDone.Wait(TimeSpan.FromSeconds(20));
                return (Message: "", Elapsed: TimeSpan.Zero);
            }
            aborted.Wait(TimeSpan.FromSeconds(20));
            using var t = torch.tensor(new float[] { 1 });
            var clock = Stopwatch.StartNew();
            var error = Assert.Throws<TorchException>(() => group.AllReduce(t));
            var elapsed = clock.Elapsed;
            group.Abort();
            peerDone.Set();
            return (error.Message, Elapsed: elapsed);
        }, timeout);
        Assert.Contains("collective allreduce failed (rank 0 of 2, gloo)", results[0].Message);
        Assert.True(results[0].Elapsed < TimeSpan.FromSeconds(5), $"took {results[0].Elapsed}");
    }
}
