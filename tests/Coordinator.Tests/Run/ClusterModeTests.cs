using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// The cluster commands as a Kubernetes deployment runs them: `orchestrator coordinator --expect-workers 2` and,
/// separately (not its children), `orchestrator worker --coordinator HOST:PORT --devices cpu,cpu` with one worker
/// actor per device. The coordinator is killed outright mid-run: the worker process leaves by itself (the
/// coordinator's member became unreachable), and starting both again resumes to the uninterrupted run's weights.
/// </summary>
[Collection(TrainingRunsCollection.Name)]
public sealed partial class ClusterModeTests(TinyRun tiny, ITestOutputHelper output)
{
    [GeneratedRegex(@"orchestrator worker --coordinator 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"\bstep (\d+):")]
    private static partial Regex ProgressLine();

    private IReadOnlyList<string> CoordinatorArguments(string run) =>
        ["coordinator", .. tiny.Arguments(run).Skip(1), "--expect-workers", "2", "--port", "0", "--host", "127.0.0.1", "--join-timeout", "120"];

    /// <summary>Starts the coordinator, then one worker process with two devices once the coordinator listens.</summary>
    private async Task<(ProcessOutcome Coordinator, ProcessOutcome Worker, TimeSpan WorkerOutlived)> RunAsync(string run, int? killCoordinatorAtStep)
    {
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var killedAt = new Stopwatch();
        var committed = 0;
        var coordinator = OrchestratorProcess.RunAsync(CoordinatorArguments(run), tiny.Root,
            killOnLine: line =>
            {
                if (ListeningLine().Match(line) is { Success: true } m) port.TrySetResult(int.Parse(m.Groups[1].Value));
                // After the first checkpoint is committed and training has gone past it, so the restart has something to resume.
                if (line.Contains("step-000004") && line.Contains("committed")) Volatile.Write(ref committed, 1);
                var kill = killCoordinatorAtStep is { } step && Volatile.Read(ref committed) == 1
                    && ProgressLine().Match(line) is { Success: true } p && int.Parse(p.Groups[1].Value) >= step;
                if (kill) killedAt.Start();
                return kill;
            }, killTree: false, timeout: TimeSpan.FromMinutes(3));
        var listening = await Task.WhenAny(port.Task, coordinator);
        Assert.True(listening == port.Task, $"the coordinator never listened:\n{(coordinator.IsCompleted ? coordinator.Result.Tail() : "")}");
        var worker = await OrchestratorProcess.RunAsync(["worker", "--coordinator", $"127.0.0.1:{port.Task.Result}", "--devices", "cpu,cpu"], tiny.Root,
            timeout: TimeSpan.FromMinutes(3));
        var outlived = killedAt.Elapsed;
        return (await coordinator, worker, outlived);
    }

    [Fact]
    public async Task A_coordinator_and_a_separately_started_worker_survive_a_coordinator_kill_and_resume_to_the_same_weights()
    {
        var reference = await tiny.ReferenceAsync();
        var run = tiny.NewRunFolder("cluster");

        var (killed, orphan, outlived) = await RunAsync(run, killCoordinatorAtStep: 6);
        Assert.True(killed.Killed, $"the coordinator finished before the kill:\n{killed.Tail()}");
        output.WriteLine($"the worker process exited {outlived.TotalSeconds:F1} s after the coordinator's kill, with code {orphan.ExitCode}");
        Assert.True(outlived < TimeSpan.FromSeconds(30), $"the worker outlived its coordinator by {outlived.TotalSeconds:F1} s");
        Assert.Equal(1, orphan.ExitCode);
        Assert.Contains(orphan.Lines, l => l.Contains("is unreachable") || l.Contains("left the cluster"));
        // In cluster mode a worker logs JSON lines to stdout, Akka's own events included, each with its role.
        Assert.All(orphan.Lines.Where(l => l.StartsWith('{')), l => Assert.Contains("\"Role\":\"worker\"", l));
        Assert.Contains(orphan.Lines, l => l.Contains("\"SourceContext\"") || l.Contains("Akka"));

        var (coordinator, worker, _) = await RunAsync(run, killCoordinatorAtStep: null);
        Assert.True(coordinator.ExitCode == 0, $"coordinator exit code {coordinator.ExitCode}:\n{coordinator.Tail()}");
        Assert.True(worker.ExitCode == 0, $"worker exit code {worker.ExitCode}:\n{worker.Tail()}");
        Assert.Contains(coordinator.Lines, l => l.Contains("Resuming"));
        var expected = File.ReadAllBytes(Path.Combine(reference, "model", "model.safetensors"));
        Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(run, "model", "model.safetensors"))),
            "the cluster run's final weights differ from the local run's");
    }
}
