using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Torch.Distributed;

namespace Orchestrator.Torch.Tests.Distributed;

/// <summary>
/// Rank 1 is a separate process running PyTorch's own torch.distributed on the same libtorch: the
/// group works across processes, and our store and collectives speak c10d's protocol exactly.
/// </summary>
public class PyTorchPeerTests
{
    private const string Python = "/usr/bin/python3";

    private const string PeerScript = """
        import datetime, json, sys
        import torch, torch.distributed as dist
        timeout = datetime.timedelta(seconds=20)
        try:  # PyTorch 2.4+ defaults to the libuv client, which Debian's build lacks; 1.13 has no such option
            store = dist.TCPStore("127.0.0.1", int(sys.argv[1]), 2, False, timeout=timeout, use_libuv=False)
        except TypeError:
            store = dist.TCPStore("127.0.0.1", int(sys.argv[1]), 2, False, timeout=timeout)
        group = dist.ProcessGroupGloo(dist.PrefixStore("gen-1", store), 1, 2, timeout)
        summed = torch.tensor([10.0, 20.0, 30.0])
        group.allreduce([summed]).wait()
        gathered = [torch.zeros(2, dtype=torch.long) for _ in range(2)]
        group.allgather([gathered], [torch.tensor([1, 101])]).wait()
        broadcast = torch.zeros(3)
        group.broadcast(broadcast, 0).wait()
        group.barrier().wait()
        store.set("from-python", "done")
        print(json.dumps({"sum": summed.tolist(), "gathered": [g.tolist() for g in gathered], "broadcast": broadcast.tolist()}))
        """;

    [Fact]
    public async Task PyTorchProcessIsRankOneOfOurGroup()
    {
        using var master = new TcpStore("127.0.0.1", 0, 2, isMaster: true, TimeSpan.FromSeconds(20));
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(PeerScript);
        start.ArgumentList.Add(master.Port.ToString());
        start.Environment["GLOO_SOCKET_IFNAME"] = "lo";
        using var peer = Process.Start(start)!;
        var stdout = peer.StandardOutput.ReadToEndAsync();
        var stderr = peer.StandardError.ReadToEndAsync();
        try
        {
            using var generation = new PrefixStore("gen-1", master);
            using var group = new ProcessGroupGloo(generation, 0, 2, TimeSpan.FromSeconds(20), GlooOptions.Loopback);
            using var summed = torch.tensor(new float[] { 1, 2, 3 });
            group.AllReduce(summed);
            using var mine = torch.tensor(new long[] { 0, 100 });
            var gathered = group.AllGather(mine);
            using var broadcast = torch.tensor(new float[] { 3, 1, 4 });
            group.Broadcast(broadcast, root: 0);
            group.Barrier();

            Assert.Equal(new float[] { 11, 22, 33 }, summed.data<float>());
            Assert.Equal(new long[] { 0, 100 }, gathered[0].data<long>());
            Assert.Equal(new long[] { 1, 101 }, gathered[1].data<long>());
            foreach (var g in gathered) g.Dispose();
            Assert.Equal("done", master.GetString("from-python"));
        }
        catch (Exception e)
        {
            if (!peer.WaitForExit(30_000)) peer.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{e.Message}\npython stderr:\n{await stderr}");
        }
        if (!peer.WaitForExit(30_000)) peer.Kill(entireProcessTree: true);
        Assert.True(peer.ExitCode == 0, $"python exited {peer.ExitCode}: {await stderr}");
        using var result = JsonDocument.Parse(await stdout);
        var root = result.RootElement;
        Assert.Equal([11.0, 22.0, 33.0], root.GetProperty("sum").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0L, 100L, 1L, 101L], root.GetProperty("gathered").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(e => e.GetInt64()));
        Assert.Equal([3.0, 1.0, 4.0], root.GetProperty("broadcast").EnumerateArray().Select(e => e.GetDouble()));
    }
}
