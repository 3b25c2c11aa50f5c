using System.Text.Json.Nodes;
using Orchestrator.Shared.Checkpoints;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// A damaged checkpoint is detected, named in a warning and skipped, never loaded: the run resumes from
/// the newest valid one, completes, and ends with the uninterrupted run's weights.
/// </summary>
[Collection(TrainingRunsCollection.Name)]
public sealed class DamagedCheckpointTests(TinyRun tiny)
{
    [Fact]
    public async Task Damaged_checkpoints_are_skipped_with_a_warning_and_the_run_resumes_from_the_last_valid_one()
    {
        var reference = await tiny.ReferenceAsync();
        var run = tiny.NewRunFolder("damaged");
        CopyFolder(reference, run);
        var checkpoints = Path.Combine(run, "checkpoints");

        // The newest checkpoint gets one flipped bit in its weights, the one before it a truncated optimizer
        // file, and an interrupted write leaves a temporary folder.
        var weights = Path.Combine(checkpoints, "epoch-0003", "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(weights, bytes);
        var optimizer = Path.Combine(checkpoints, "step-000020", "optimizer.safetensors");
        using (var stream = new FileStream(optimizer, FileMode.Open)) stream.SetLength(stream.Length / 2);
        var leftover = Path.Combine(checkpoints, $".tmp-epoch-0003-{Guid.NewGuid():N}");
        Directory.CreateDirectory(leftover);
        File.WriteAllBytes(Path.Combine(leftover, "model.safetensors"), [1, 2, 3]);
        Directory.Delete(Path.Combine(run, "model"), recursive: true);

        var outcome = await OrchestratorProcess.RunAsync(tiny.Arguments(run), tiny.Root);

        Assert.True(outcome.ExitCode == 0, $"exit code {outcome.ExitCode}:\n{outcome.Tail()}");
        Assert.Contains(outcome.Lines, l => l.Contains("WRN") && l.Contains("Skipping damaged checkpoint epoch-0003") && l.Contains("model.safetensors"));
        Assert.Contains(outcome.Lines, l => l.Contains("WRN") && l.Contains("Skipping damaged checkpoint step-000020") && l.Contains("optimizer.safetensors"));
        Assert.Contains(outcome.Lines, l => l.Contains("Resuming") && l.Contains("from epoch-0002 at step 16"));
        Assert.Contains(outcome.Lines, l => l.Contains("Removed leftover") && l.Contains(Path.GetFileName(leftover)));
        Assert.False(Directory.Exists(leftover));

        // The machine-readable log names the damaged checkpoints too.
        var warnings = File.ReadLines(Path.Combine(run, "logs", "coordinator-0.jsonl"))
            .Select(line => JsonNode.Parse(line)!)
            .Where(e => (string?)e["level"] == "Warning" && e["Checkpoint"] is not null)
            .Select(e => (string)e["Checkpoint"]!)
            .ToList();
        Assert.Contains("epoch-0003", warnings);
        Assert.Contains("step-000020", warnings);

        // The damaged ones were written again by the resumed run; nothing damaged or temporary is left.
        var scan = new CheckpointStore(checkpoints).Scan();
        Assert.Empty(scan.Damaged);
        Assert.Equal(TinyRun.CheckpointNames, scan.Valid.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(run, ".tmp-*", SearchOption.AllDirectories));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(reference, "model", "model.safetensors")),
            File.ReadAllBytes(Path.Combine(run, "model", "model.safetensors")));
    }

    private static void CopyFolder(string source, string target)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
    }
}
