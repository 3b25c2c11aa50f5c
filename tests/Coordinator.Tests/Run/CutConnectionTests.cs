using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Orchestrator.Shared.Checkpoints;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// A worker's network link is cut mid-training: the coordinator counts it as a lost worker (unreachable, downed), the
/// group re-forms with a replacement, every rank restores the last committed checkpoint, and the run ends with the
/// uninterrupted run's weights byte for byte.
/// </summary>
/// <remarks>
/// <para>
/// How the cut is made. Akka.Remote (classic) is peer-to-peer: a node sends to a peer over the connection it opened to
/// the peer's advertised address, or over the connection the peer opened to it (passive connections, on by
/// default), and it drops any message addressed to another name of itself. So a proxy on one side only is no cut: a
/// worker told `--coordinator 127.0.0.1:PROXY` addresses a coordinator that calls itself 127.0.0.1:REAL (dropped), and
/// a proxy in front of the worker alone leaves the worker's own connection to the coordinator, which carries both
/// directions. Here every node listens on its `--port` but advertises a proxy's port (`--public-port`, Akka's
/// public-port), so every Akka connection between any two nodes passes through the proxy of the node it was made to.
/// Cutting worker A then means: on A's proxy, every connection; on the other proxies, the connections A opened (a
/// connection is A's when A's process holds its client socket, read from /proc). After the cut no byte of Akka
/// traffic flows between A and any node, in either direction, and nothing is closed or reset: as with a cut cable,
/// both sides learn of it from their failure detectors. (Gloo's and the TCPStore's connections are not proxied: the
/// coordinator's AbortGroup ends the survivors' collectives.)
/// </para>
/// </remarks>
[Collection(TrainingRunsCollection.Name)]
public sealed partial class CutConnectionTests(TinyRun tiny, ITestOutputHelper output)
{
    [GeneratedRegex(@"\bstep (\d+):")]
    private static partial Regex ProgressLine();

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(4);

    /// <summary>A free loopback port for a node to listen on (its proxy's port is the one it advertises).</summary>
    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>A node's listening port behind a proxy whose port the node advertises.</summary>
    private sealed record ProxiedNode(int Port, LoopbackTcpProxy Proxy);

    private static ProxiedNode Proxied()
    {
        var port = FreePort();
        return new ProxiedNode(port, new LoopbackTcpProxy(port));
    }

    [Fact]
    public async Task A_worker_whose_connection_is_cut_mid_run_is_lost_replaced_and_the_run_ends_with_the_uninterrupted_weights()
    {
        var reference = await tiny.ReferenceAsync();
        var run = tiny.NewRunFolder("cut");
        var coordinatorNode = Proxied();
        var workerA = Proxied();
        var workerB = Proxied();
        using var proxies = new ProxySet(coordinatorNode.Proxy, workerA.Proxy, workerB.Proxy);
        var coordinatorAddress = $"127.0.0.1:{coordinatorNode.Proxy.Port}";

        var pidA = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var committed = 0;
        var cutAt = new Stopwatch();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cut = 0;
        string? cutReport = null;
        var coordinator = OrchestratorProcess.RunAsync(
            ["coordinator", .. tiny.Arguments(run).Skip(1), "--expect-workers", "2", "--max-failures", "1", "--host", "127.0.0.1",
             "--port", coordinatorNode.Port.ToString(), "--public-port", coordinatorNode.Proxy.Port.ToString(), "--join-timeout", "120"],
            tiny.Root, onLine: line =>
            {
                if (line.Contains("step-000004") && line.Contains("committed")) Volatile.Write(ref committed, 1);
                // Mid-training, once there is a checkpoint to go back to: cut worker A off from every node.
                if (Volatile.Read(ref committed) == 1 && ProgressLine().Match(line) is { Success: true } p && int.Parse(p.Groups[1].Value) >= 6
                    && pidA.Task.IsCompleted && Interlocked.Exchange(ref cut, 1) == 0)
                {
                    cutAt.Start();
                    cutReport = proxies.Isolate(pidA.Task.Result, workerA.Proxy);
                }
                if (line.Contains("is lost (1 of 1 failures allowed)")) lost.TrySetResult();
            }, timeout: ProcessTimeout);

        var a = OrchestratorProcess.RunAsync(Worker(coordinatorAddress, workerA), tiny.Root, started: pidA.SetResult, timeout: ProcessTimeout);
        var b = OrchestratorProcess.RunAsync(Worker(coordinatorAddress, workerB), tiny.Root, timeout: ProcessTimeout);

        // As Kubernetes restarts a pod: a replacement worker joins once the coordinator has counted the loss.
        var lostOrEnded = await Task.WhenAny(lost.Task, coordinator);
        Assert.True(lostOrEnded == lost.Task, $"the coordinator never counted a lost worker:\n{(coordinator.IsCompleted ? coordinator.Result.Tail(60) : "")}");
        var lostAfter = cutAt.Elapsed;
        var replacement = OrchestratorProcess.RunAsync(["worker", "--coordinator", coordinatorAddress], tiny.Root, timeout: ProcessTimeout);

        var (coordinatorOutcome, aOutcome, bOutcome, replacementOutcome) = (await coordinator, await a, await b, await replacement);
        output.WriteLine($"cut: {cutReport}; the worker was counted lost {lostAfter.TotalSeconds:F1} s later");
        Assert.True(coordinatorOutcome.ExitCode == 0, $"coordinator exit code {coordinatorOutcome.ExitCode}:\n{coordinatorOutcome.Tail(60)}");
        // The cut was noticed as a loss of reachability (no process ended), and handled as a lost worker.
        Assert.Contains(coordinatorOutcome.Lines, l => l.Contains("is unreachable: downing it"));
        Assert.Contains(coordinatorOutcome.Lines, l => l.Contains("Restarting from"));
        Assert.Contains(coordinatorOutcome.Lines, l => l.Contains("Process group generation 1 formed"));
        // The cut-off worker finds itself without a coordinator and leaves; the others finish the run.
        Assert.True(aOutcome.ExitCode == 1, $"the cut-off worker exited with {aOutcome.ExitCode}:\n{aOutcome.Tail()}");
        Assert.True(bOutcome.ExitCode == 0, $"the surviving worker exited with {bOutcome.ExitCode}:\n{bOutcome.Tail()}");
        Assert.True(replacementOutcome.ExitCode == 0, $"the replacement exited with {replacementOutcome.ExitCode}:\n{replacementOutcome.Tail()}");

        var scan = new CheckpointStore(Path.Combine(run, "checkpoints")).Scan();
        Assert.Empty(scan.Damaged);
        var expected = File.ReadAllBytes(Path.Combine(reference, "model", "model.safetensors"));
        Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(run, "model", "model.safetensors"))),
            "the final weights differ from the uninterrupted run's");
    }

    /// <summary>A worker process listening on its node's port and advertising its proxy's.</summary>
    private static IReadOnlyList<string> Worker(string coordinatorAddress, ProxiedNode node) =>
        ["worker", "--coordinator", coordinatorAddress, "--port", node.Port.ToString(), "--public-port", node.Proxy.Port.ToString()];

    /// <summary>The proxies in front of every node: together they carry all Akka traffic between nodes.</summary>
    private sealed class ProxySet(params LoopbackTcpProxy[] proxies) : IDisposable
    {
        /// <summary>
        /// Cuts the process <paramref name="pid"/> off: every connection to its own proxy, and every connection it
        /// opened through the others. Returns what was cut, for the test's output.
        /// </summary>
        public string Isolate(int pid, LoopbackTcpProxy own)
        {
            var report = new List<string>();
            foreach (var proxy in proxies)
            {
                var count = proxy == own ? proxy.Cut(_ => true) : proxy.Cut(client => SocketOwner.IsOwnedBy(pid, client, proxy.Port));
                report.Add($"{count} of {proxy.Connections} connections through port {proxy.Port}{(proxy == own ? " (its own)" : "")}");
            }
            return string.Join(", ", report);
        }

        public void Dispose()
        {
            foreach (var proxy in proxies) proxy.Dispose();
        }
    }
}
