using System.Diagnostics;
using Orchestrator.Torch.Distributed;

namespace Orchestrator.Torch.Tests.Distributed;

public class StoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void MasterOnPortZeroReportsTheFreePortItBound()
    {
        using var master = new TcpStore("127.0.0.1", 0, 2, isMaster: true, Timeout);
        Assert.InRange(master.Port, 1, 65535);
        using var client = new TcpStore("127.0.0.1", master.Port, 2, isMaster: false, Timeout);
        Assert.Equal(master.Port, client.Port);
        var clock = Stopwatch.StartNew();
        master.WaitForWorkers();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void WaitForWorkersRaisesWhenTooFewConnect()
    {
        using var master = new TcpStore("127.0.0.1", 0, 3, isMaster: true, TimeSpan.FromMilliseconds(500));
        using var client = new TcpStore("127.0.0.1", master.Port, 3, isMaster: false, TimeSpan.FromSeconds(1));
        var error = Assert.Throws<TorchException>(master.WaitForWorkers);
        Assert.Contains("not every worker connected within 500 ms", error.Message);
    }

    [Fact]
    public void ValuesSetByOneClientAreSeenByAnother()
    {
        using var master = new TcpStore("127.0.0.1", 0, 2, isMaster: true, Timeout);
        using var client = new TcpStore("127.0.0.1", master.Port, 2, isMaster: false, Timeout);
        master.Set("greeting", "héllo wörld");
        client.Set("bytes", new byte[] { 0, 255, 7 });
        Assert.Equal("héllo wörld", client.GetString("greeting"));
        Assert.Equal(new byte[] { 0, 255, 7 }, master.Get("bytes"));
        Assert.True(master.Check("greeting", "bytes"));
        Assert.False(master.Check("greeting", "absent"));
        Assert.True(client.Delete("bytes"));
        Assert.False(master.Check("bytes"));
    }

    [Fact]
    public void AddIsAnAtomicCounterAcrossClients()
    {
        using var master = new TcpStore("127.0.0.1", 0, 2, isMaster: true, Timeout);
        using var client = new TcpStore("127.0.0.1", master.Port, 2, isMaster: false, Timeout);
        Parallel.For(0, 20, i => (i % 2 == 0 ? (Store)master : client).Add("joined", 1));
        Assert.Equal(23, master.Add("joined", 3));
    }

    [Fact]
    public void GetOfAMissingKeyRaisesAfterTheTimeout()
    {
        using var master = new TcpStore("127.0.0.1", 0, 1, isMaster: true, TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<TorchException>(() => master.Get("never-set"));
        Assert.Contains("store get of key 'never-set' failed (timeout 300 ms)", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void WaitReturnsWhenAnotherClientSetsTheKeyAndRaisesOtherwise()
    {
        using var master = new TcpStore("127.0.0.1", 0, 2, isMaster: true, Timeout);
        using var client = new TcpStore("127.0.0.1", master.Port, 2, isMaster: false, Timeout);
        var setter = new Thread(() => { Thread.Sleep(100); client.Set("ready", "1"); });
        setter.Start();
        master.Wait(["ready"], TimeSpan.FromSeconds(5));
        setter.Join();
        var error = Assert.Throws<TorchException>(() => master.Wait(["not-ready"], TimeSpan.FromMilliseconds(200)));
        Assert.Contains("store wait of key 'not-ready'", error.Message);
    }

    [Fact]
    public void AClientWaitingForAKeyFailsAtOnceWhenTheMasterCloses()
    {
        // The coordinator relies on this to end a rendezvous of an abandoned group generation: it closes that
        // generation's store, and a survivor waiting in it for a lost peer's key fails now, not at the timeout.
        var master = new TcpStore("127.0.0.1", 0, 2, isMaster: true, TimeSpan.FromSeconds(60));
        using var client = new TcpStore("127.0.0.1", master.Port, 2, isMaster: false, TimeSpan.FromSeconds(60));
        var waiting = Task.Factory.StartNew(() => Assert.Throws<TorchException>(() => client.Get("lost-peer-address")), TaskCreationOptions.LongRunning);
        Thread.Sleep(300);
        Assert.False(waiting.IsCompleted, "the get returned before the master closed");
        var clock = Stopwatch.StartNew();
        master.Dispose();
        Assert.True(waiting.Wait(TimeSpan.FromSeconds(10)), "the get still waits 10 s after the master closed");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the get failed {clock.Elapsed.TotalSeconds:F1} s after the master closed");
        Assert.Contains("lost-peer-address", waiting.Result.Message);
    }

    [Fact]
    public void ClientRaisesWhenNoMasterListens()
    {
        int port;
        using (var probe = new TcpStore("127.0.0.1", 0, 1, isMaster: true, Timeout)) port = probe.Port;
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<TorchException>(() => new TcpStore("127.0.0.1", port, 2, isMaster: false, TimeSpan.FromMilliseconds(500)));
        Assert.Contains("timed out", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public void ClientStartedBeforeTheMasterConnectsOnceItListens()
    {
        int port;
        using (var probe = new TcpStore("127.0.0.1", 0, 1, isMaster: true, Timeout)) port = probe.Port;
        TcpStore? master = null;
        var starter = new Thread(() =>
        {
            Thread.Sleep(300);
            master = new TcpStore("127.0.0.1", port, 2, isMaster: true, Timeout);
            master.Set("hello", "from the master");
        });
        starter.Start();
        try
        {
            using var client = new TcpStore("127.0.0.1", port, 2, isMaster: false, TimeSpan.FromSeconds(3));
            Assert.Equal("from the master", client.GetString("hello"));
        }
        finally
        {
            starter.Join();
            master?.Dispose();
        }
    }

    [Fact]
    public void PrefixStoresKeepTheirKeysApart()
    {
        using var master = new TcpStore("127.0.0.1", 0, 1, isMaster: true, Timeout);
        using var first = new PrefixStore("generation-1", master);
        using var second = new PrefixStore("generation-2", master);
        first.Set("rank", "a");
        second.Set("rank", "b");
        Assert.Equal("a", first.GetString("rank"));
        Assert.Equal("b", second.GetString("rank"));
        Assert.Equal("a", master.GetString("generation-1/rank"));
        Assert.False(master.Check("rank"));
    }
}
