using System.Diagnostics;
using System.Text.RegularExpressions;
using Orchestrator.Shared.Checkpoints;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// The fault bar with real processes and real kills (SIGKILL): `orchestrator train` runs its two workers as
/// processes; one is killed mid-step or mid-checkpoint, or the coordinator itself is. Nothing committed is lost and
/// the final weights equal the uninterrupted run's byte for byte.
/// </summary>
[Collection(TrainingRunsCollection.Name)]
public sealed partial class WorkerFaultTests(TinyRun tiny, ITestOutputHelper output)
{
    [GeneratedRegex(@"\bstep (\d+):")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"Rank (\d+) of generation (\d+): worker on \S+ in process (\d+)")]
    private static partial Regex RankLine();

    [GeneratedRegex(@"Started worker process \d+ \(process (\d+)\)")]
    private static partial Regex StartedLine();

    /// <summary>Worker process ids by rank, as the coordinator logs them for the current generation.</summary>
    private sealed class Ranks
    {
        private readonly Dictionary<int, int> byRank = [];
        public readonly List<int> Started = [];

        public void Read(string line)
        {
            lock (this)
            {
                if (RankLine().Match(line) is { Success: true } rank) byRank[int.Parse(rank.Groups[1].Value)] = int.Parse(rank.Groups[3].Value);
                if (StartedLine().Match(line) is { Success: true } started) Started.Add(int.Parse(started.Groups[1].Value));
            }
        }

        public int? Of(int rank)
        {
            lock (this) return byRank.TryGetValue(rank, out var pid) ? pid : null;
        }
    }

    private static int? StepOf(string line) => ProgressLine().Match(line) is { Success: true } m ? int.Parse(m.Groups[1].Value) : null;

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();  // SIGKILL
        }
        catch (ArgumentException)
        {
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private async Task AssertSameWeightsAsReference(string run)
    {
        var reference = await tiny.ReferenceAsync();
        var expected = File.ReadAllBytes(Path.Combine(reference, "model", "model.safetensors"));
        var actual = File.ReadAllBytes(Path.Combine(run, "model", "model.safetensors"));
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the final weights differ from the uninterrupted run's");
    }

    private static void AssertCheckpointsIntact(string run)
    {
        var scan = new CheckpointStore(Path.Combine(run, "checkpoints")).Scan();
        Assert.Empty(scan.Damaged);
        Assert.NotEmpty(scan.Valid);
    }

    [Fact]
    public async Task A_worker_killed_mid_step_is_replaced_and_the_run_ends_with_the_uninterrupted_weights()
    {
        await tiny.ReferenceAsync();
        var run = tiny.NewRunFolder("worker-killed");
        var ranks = new Ranks();
        var killedAt = 0;
        var watch = new Stopwatch();
        string? resumedLine = null;
        var outcome = await OrchestratorProcess.RunAsync([.. tiny.Arguments(run), "--max-failures", "1"], tiny.Root, onLine: line =>
        {
            ranks.Read(line);
            // Mid-step: step 6 is logged while rank 1 is already in step 7's collectives.
            if (killedAt == 0 && StepOf(line) >= 6 && ranks.Of(1) is { } pid)
            {
                killedAt = pid;
                watch.Start();
                Kill(pid);
            }
            if (killedAt != 0 && resumedLine is null && line.Contains("Process group generation 1 formed"))
            {
                resumedLine = line;
                watch.Stop();
            }
        }, timeout: TimeSpan.FromMinutes(3));
        output.WriteLine($"killed worker process {killedAt}; training resumed {watch.Elapsed.TotalSeconds:F1} s later");
        Assert.True(outcome.ExitCode == 0, $"exit code {outcome.ExitCode}:\n{outcome.Tail(60)}");
        Assert.NotEqual(0, killedAt);
        Assert.Contains(outcome.Lines, l => l.Contains("is lost (1 of 1 failures allowed)"));
        Assert.Contains(outcome.Lines, l => l.Contains("Restarting from step-000004 at step 4"));
        Assert.NotNull(resumedLine);
        Assert.Equal(3, ranks.Started.Count);  // two workers and one replacement
        AssertCheckpointsIntact(run);
        await AssertSameWeightsAsReference(run);
        Assert.All(ranks.Started, pid => Assert.False(Alive(pid), $"worker process {pid} outlived the run"));
    }

    [Fact]
    public async Task Rank_zero_killed_while_a_checkpoint_is_written_loses_no_committed_checkpoint()
    {
        await tiny.ReferenceAsync();
        var run = tiny.NewRunFolder("rank0-killed");
        var checkpoints = Path.Combine(run, "checkpoints");
        var ranks = new Ranks();
        var killed = 0;
        var outcome = await OrchestratorProcess.RunAsync([.. tiny.Arguments(run), "--max-failures", "1"], tiny.Root, onLine: ranks.Read,
            killWhen: () =>
            {
                // While epoch-0001 is in its temporary folder (rank 0 writing its files, or the seal): kill rank 0.
                if (killed == 0 && Directory.Exists(checkpoints) && Directory.EnumerateDirectories(checkpoints, ".tmp-epoch-0001-*").Any() && ranks.Of(0) is { } pid)
                {
                    killed = pid;
                    Kill(pid);
                }
                return false;
            }, timeout: TimeSpan.FromMinutes(3));
        output.WriteLine(killed == 0 ? "the write window was missed (allowed on a loaded machine)" : $"killed rank 0 (process {killed}) during the write of epoch-0001");
        Assert.True(outcome.ExitCode == 0, $"exit code {outcome.ExitCode}:\n{outcome.Tail(60)}");
        if (killed != 0) Assert.Contains(outcome.Lines, l => l.Contains("is lost"));
        AssertCheckpointsIntact(run);
        await AssertSameWeightsAsReference(run);
    }

    [Fact]
    public async Task Losing_a_worker_with_no_failures_left_exits_1_with_a_clear_message_and_the_last_checkpoint_intact()
    {
        var run = tiny.NewRunFolder("exhausted");
        var ranks = new Ranks();
        var killed = 0;
        var outcome = await OrchestratorProcess.RunAsync([.. tiny.Arguments(run), "--max-failures", "0"], tiny.Root, onLine: line =>
        {
            ranks.Read(line);
            if (killed == 0 && StepOf(line) >= 10 && ranks.Of(1) is { } pid)
            {
                killed = pid;
                Kill(pid);
            }
        }, timeout: TimeSpan.FromMinutes(3));
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(outcome.Lines, l => l.Contains("--max-failures 0 is used up") && l.Contains("Start the same command again"));
        AssertCheckpointsIntact(run);
        var latest = new CheckpointStore(Path.Combine(run, "checkpoints")).FindLatest();
        Assert.Empty(latest.Skipped);
        Assert.InRange(latest.Checkpoint!.State.GlobalStep, 4, 12);  // the last commit before the kill at step 10
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.All(ranks.Started, pid => Assert.False(Alive(pid), $"worker process {pid} outlived the failed run"));
    }

    [Fact]
    public async Task The_coordinator_killed_takes_its_workers_down_and_the_same_command_resumes_to_the_same_weights()
    {
        await tiny.ReferenceAsync();
        var run = tiny.NewRunFolder("coordinator-killed");
        var ranks = new Ranks();
        var outcome = await OrchestratorProcess.RunAsync(tiny.Arguments(run), tiny.Root, killOnLine: line =>
        {
            ranks.Read(line);
            return StepOf(line) >= 9;
        }, killTree: false, timeout: TimeSpan.FromMinutes(3));
        Assert.True(outcome.Killed, $"the run ended before the kill:\n{outcome.Tail()}");
        var deadline = Stopwatch.StartNew();
        while (ranks.Started.Any(Alive) && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        output.WriteLine($"worker processes gone {deadline.Elapsed.TotalSeconds:F1} s after the coordinator's kill");
        Assert.Equal(2, ranks.Started.Count);
        Assert.All(ranks.Started, pid => Assert.False(Alive(pid), $"worker process {pid} outlived its coordinator by 30 s"));

        var again = await OrchestratorProcess.RunAsync(tiny.Arguments(run), tiny.Root, timeout: TimeSpan.FromMinutes(3));
        Assert.True(again.ExitCode == 0, $"exit code {again.ExitCode}:\n{again.Tail()}");
        Assert.Contains(again.Lines, l => l.Contains("Resuming"));
        await AssertSameWeightsAsReference(run);
    }
}
