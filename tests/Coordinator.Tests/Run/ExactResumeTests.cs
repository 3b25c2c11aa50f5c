using System.Diagnostics;
using System.Text.RegularExpressions;
using Orchestrator.Shared.Checkpoints;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// The resume bar: `orchestrator train` killed outright (SIGKILL) at several points, mid-step and
/// mid-write included, and started again with the same command until it completes, ends with exactly
/// the weights of the uninterrupted run.
/// </summary>
[Collection(TrainingRunsCollection.Name)]
public sealed partial class ExactResumeTests(TinyRun tiny, ITestOutputHelper output)
{
    [GeneratedRegex(@"\bstep (\d+):")]
    private static partial Regex ProgressLine();

    private static Func<string, bool> AfterStep(int step) => line =>
        ProgressLine().Match(line) is { Success: true } match && int.Parse(match.Groups[1].Value) >= step;

    private static bool HasTemporary(string folder, string prefix) =>
        Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder, prefix + "*").Any();

    private static List<string> Leftovers(string run) =>
        Directory.EnumerateFileSystemEntries(run, ".tmp-*", SearchOption.AllDirectories).Select(p => Path.GetFileName(p)).ToList();

    /// <summary>What a kill left half-written is removed (and logged) by the next start.</summary>
    private static void AssertRemoved(IEnumerable<string> leftovers, ProcessOutcome next)
    {
        foreach (var leftover in leftovers)
            Assert.Contains(next.Lines, line => line.Contains("Removed leftover") && line.Contains(leftover));
    }

    [Fact]
    public async Task A_run_killed_repeatedly_and_resumed_ends_with_the_uninterrupted_weights()
    {
        var watch = Stopwatch.StartNew();
        var reference = await tiny.ReferenceAsync();
        output.WriteLine($"reference run: {watch.Elapsed.TotalSeconds:F1} s");
        var run = tiny.NewRunFolder("killed");
        var checkpoints = Path.Combine(run, "checkpoints");

        // The last point is a window of a few tens of milliseconds: on a loaded machine the poll may miss it
        // and the run finish on its own, which is allowed (the restart then resumes at the very end).
        var killPoints = new (string Name, Func<string, bool>? OnLine, Func<bool>? When, bool MayFinish)[]
        {
            // Checkpoints are written in the background while training goes on: wait for the first commit.
            ("once step-000004 is committed", line => line.Contains("step-000004") && line.Contains("committed"), null, false),
            ("after step 11 (resumed from step-000004)", AfterStep(11), null, false),
            ("while epoch-0002 is being written (else after step 17)", AfterStep(17), () => HasTemporary(checkpoints, ".tmp-epoch-0002-"), false),
            ("after step 19", AfterStep(19), null, false),
            ("while the final model is being written", null, () => HasTemporary(run, ".tmp-model-"), true),
        };
        var resumedFrom = new List<string>();
        List<string> leftovers = [];
        foreach (var (name, onLine, when, mayFinish) in killPoints)
        {
            var started = watch.Elapsed;
            var outcome = await OrchestratorProcess.RunAsync(tiny.Arguments(run), tiny.Root, onLine, when);
            Assert.True(outcome.Killed || (mayFinish && outcome.ExitCode == 0),
                $"the run ended (exit code {outcome.ExitCode}) before the kill point '{name}':\n{outcome.Tail()}");
            AssertRemoved(leftovers, outcome);
            leftovers = Leftovers(run);
            resumedFrom.Add(outcome.Lines.FirstOrDefault(l => l.Contains("Resuming")) ?? "(fresh start)");
            output.WriteLine($"{(outcome.Killed ? "killed" : "NOT killed (finished first)")} {name} after {(watch.Elapsed - started).TotalSeconds:F1} s; {resumedFrom[^1]}; leftovers: [{string.Join(", ", leftovers)}]");
        }

        var last = await OrchestratorProcess.RunAsync(tiny.Arguments(run), tiny.Root);
        AssertRemoved(leftovers, last);
        output.WriteLine($"last start: {last.Lines.FirstOrDefault(l => l.Contains("Resuming"))}; total {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(last.ExitCode == 0, $"the last start failed with {last.ExitCode}:\n{last.Tail()}");
        // Every start after the first resumed from a checkpoint, never from scratch.
        Assert.All(resumedFrom.Skip(1), line => Assert.Contains("Resuming", line));

        var expected = File.ReadAllBytes(Path.Combine(reference, "model", "model.safetensors"));
        var actual = File.ReadAllBytes(Path.Combine(run, "model", "model.safetensors"));
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the resumed run's final weights differ from the uninterrupted run's");
        foreach (var file in new[] { "model.safetensors", "optimizer.safetensors", "trainer_state.json" })
            Assert.True(
                File.ReadAllBytes(Path.Combine(reference, "checkpoints", "epoch-0003", file)).AsSpan()
                    .SequenceEqual(File.ReadAllBytes(Path.Combine(checkpoints, "epoch-0003", file))),
                $"epoch-0003/{file} differs from the uninterrupted run's");

        var scan = new CheckpointStore(checkpoints).Scan();
        Assert.Empty(scan.Damaged);
        Assert.Equal(TinyRun.CheckpointNames, scan.Valid.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal("epoch-0003", new CheckpointStore(checkpoints).ReadLatestPointer());
        Assert.Empty(Directory.EnumerateFileSystemEntries(run, ".tmp-*", SearchOption.AllDirectories));
    }
}
