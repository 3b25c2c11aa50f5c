using Orchestrator.Torch.Distributed;

namespace Orchestrator.Torch.Tests.Distributed;

/// <summary>
/// Runs a body as ranks on threads of this process (two unless told otherwise): rank 0 hosts the TCPStore (free
/// port), the others connect to it, each forms its own ProcessGroupGloo on loopback.
/// </summary>
internal static class TwoRanks
{
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="body"/> on each rank with its own store (rank 0's is the master), one thread each.</summary>
    public static T[] RunWithStores<T>(Func<int, Store, T> body, int size = 2)
    {
        using var master = new TcpStore("127.0.0.1", 0, size, isMaster: true, StoreTimeout);
        var stores = new Store[size];
        stores[0] = master;
        for (var rank = 1; rank < size; rank++) stores[rank] = new TcpStore("127.0.0.1", master.Port, size, isMaster: false, StoreTimeout);
        try
        {
            var ranks = Enumerable.Range(0, size)
                .Select(rank => Task.Factory.StartNew(() => body(rank, stores[rank]), TaskCreationOptions.LongRunning))
                .ToArray();
            // A safety net for the test run itself: every collective has its own, shorter timeout.
            if (!Task.WaitAll(ranks, TimeSpan.FromSeconds(60)))
                throw new TimeoutException("a rank did not finish within 60 s");
            return ranks.Select(r => r.Result).ToArray();
        }
        finally
        {
            foreach (var client in stores.Skip(1)) client.Dispose();
        }
    }

    /// <summary>Runs <paramref name="body"/> on every rank's group and returns each rank's result (index = rank).</summary>
    public static T[] Run<T>(Func<ProcessGroup, T> body, TimeSpan? groupTimeout = null, GlooOptions? gloo = null, int size = 2) =>
        RunWithStores((rank, store) =>
        {
            using var group = new ProcessGroupGloo(store, rank, size, groupTimeout ?? TimeSpan.FromSeconds(10), gloo ?? GlooOptions.Loopback);
            using var scope = torch.NewDisposeScope();
            return body(group);
        }, size);
}
