using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Coordinator.Push;
using Orchestrator.Coordinator.Run;
using Orchestrator.Coordinator.Tests.Push;
using Orchestrator.Shared.Data.Synthetic;
using Orchestrator.Worker.Models;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// `train --push-to`: every committed checkpoint is pushed in the background (git remote and file volume),
/// the final model always lands, and an unreachable remote costs warnings, never the run.
/// </summary>
public sealed partial class PushDuringTrainingTests(ITestOutputHelper output)
{
    private static readonly PushRetryOptions FastRetries = PushTestKit.FastRetries;

    [Fact]
    public async Task Checkpoints_and_the_final_model_reach_a_git_remote_and_a_volume_while_training_goes_on()
    {
        using var temp = new TempDirectory();
        var model = RunTestKit.TinyModel(temp.Combine("base"), NerCorpusGenerator.Labels, ModelTask.TokenClassification, dropout: 0.1);
        var data = RunTestKit.NerData(temp.Combine("data"), train: 32, validation: 9);
        // Every push to the remote takes at least half a second (a slow link): the epochs must not wait for it.
        var remote = await PushTestKit.BareRepository(temp.Path, preReceiveHook: "#!/bin/sh\nsleep 0.5\n");
        var volume = temp.Combine("pushed");
        var options = RunTestKit.NerOptions(model, data, temp.Combine("run"), workers: 2, batchSize: 4) with
        {
            NumTrainEpochs = 3,
            PushTo = [$"git+file://{remote}", $"file://{volume}"],
        };
        var baseline = RunTestKit.NerOptions(model, data, temp.Combine("baseline"), workers: 2, batchSize: 4) with { NumTrainEpochs = 3 };

        var watch = Stopwatch.StartNew();
        var (baselineCode, baselineConsole) = await RunTestKit.TrainAsync(baseline);
        var baselineSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var (code, console) = await RunTestKit.TrainAsync(options, FastRetries);
        var pushSeconds = watch.Elapsed.TotalSeconds;
        Assert.True(baselineCode == RunHost.Succeeded, baselineConsole);
        Assert.True(code == RunHost.Succeeded, console);
        output.WriteLine($"training samples/s without push: {Throughput(baselineConsole)}; with a git (0.5 s hook) and a file push: {Throughput(console)}");
        output.WriteLine($"whole run: {baselineSeconds:F1} s without push, {pushSeconds:F1} s with (the final push is awaited)");
        output.WriteLine(string.Join('\n', console.Split('\n').Where(l => l.Contains("Push", StringComparison.Ordinal))));

        // The remote: Trainer's commit messages, the first epoch's checkpoint and the end of training (a later
        // epoch may be coalesced into the final push when it arrives mid-push; the log names it).
        var messages = await PushTestKit.GitLines(remote, "log", "--format=%s", "main");
        Assert.Equal("End of training", messages[0]);
        Assert.Equal("Training in progress, epoch-0001", messages[^1]);
        foreach (var skipped in new[] { "epoch-0002", "epoch-0003" }.Where(e => !messages.Contains($"Training in progress, {e}")))
            Assert.Contains($"Push of {skipped} skipped", console);
        var files = await PushTestKit.GitLines(remote, "ls-tree", "--name-only", "main");
        foreach (var file in new[] { "model.safetensors", "config.json", "vocab.txt", "README.md" })
            Assert.Contains(file, files);
        Assert.DoesNotContain("optimizer.safetensors", files);
        var card = await PushTestKit.GitOutput(remote, "show", "main:README.md");
        Assert.Contains("### Training results", card);
        Assert.Contains("| Training Loss | Epoch | Step | Validation Loss | Precision | Recall | F1 | Accuracy |", card);
        Assert.Equal(3, card.Split('\n').Count(l => Regex.IsMatch(l, @"^\| [0-9.]+ \| [0-9.]+ \| \d+ \| ")));
        Assert.Contains("## Scores per entity type", card);

        // The volume: the final model (no optimizer state), complete, and `latest` naming it.
        Assert.Equal("model", File.ReadAllText(Path.Combine(volume, "latest")).Trim());
        var pushedModel = Path.Combine(volume, "model");
        Assert.Equal(0, RunTestKit.MaxWeightDifference(pushedModel, Path.Combine(options.OutputDir!, "model"), out _));
        Assert.True(File.Exists(Path.Combine(pushedModel, "README.md")));
        Assert.True(Directory.Exists(Path.Combine(volume, "epoch-0001")));
    }

    [Fact]
    public async Task An_unreachable_remote_leaves_warnings_and_a_successful_run()
    {
        using var temp = new TempDirectory();
        var model = RunTestKit.TinyModel(temp.Combine("base"), NerCorpusGenerator.Labels, ModelTask.TokenClassification);
        var data = RunTestKit.NerData(temp.Combine("data"), train: 16, validation: 5);
        var options = RunTestKit.NerOptions(model, data, temp.Combine("run"), workers: 2, batchSize: 4) with
        {
            PushTo = ["git+file:///nonexistent/remote.git"],
        };

        var (code, console) = await RunTestKit.TrainAsync(options, FastRetries);

        Assert.True(code == RunHost.Succeeded, console);
        Assert.Contains("Push of final model to git+file:///nonexistent/remote.git failed after 3 attempt(s)", console);
        // Both epoch checkpoints and the final model were either tried (with retries) and given up, or
        // coalesced into a newer push and logged as such (checkpoints commit in the background, so how
        // many queue up behind a slow failing push depends on timing): none silently skipped.
        var pushes = System.Text.RegularExpressions.Regex.Match(console, @"Pushes: (\d+) pushed, (\d+) coalesced, (\d+) failed");
        Assert.True(pushes.Success, console);
        var (pushed, coalesced, failed) = (int.Parse(pushes.Groups[1].Value), int.Parse(pushes.Groups[2].Value), int.Parse(pushes.Groups[3].Value));
        Assert.Equal(0, pushed);
        Assert.Equal(3, coalesced + failed);
        Assert.True(failed >= 2, console);
        Assert.True(File.Exists(Path.Combine(options.OutputDir!, "model", "model.safetensors")));
        var jsonLog = Directory.GetFiles(Path.Combine(options.OutputDir!, "logs"), "*.jsonl").Single();
        Assert.Contains(File.ReadLines(jsonLog), line => line.Contains("\"Warning\"", StringComparison.Ordinal) && line.Contains("nonexistent", StringComparison.Ordinal));
    }

    /// <summary>Mean of the per-segment training throughputs the coordinator logs.</summary>
    private static string Throughput(string console)
    {
        var values = SegmentThroughput().Matches(console).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        return values.Count == 0 ? "n/a" : $"{values.Average():F1} (segments: {string.Join(", ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))})";
    }

    [GeneratedRegex(@"reached step \d+ \(([0-9.]+) samples/s")]
    private static partial Regex SegmentThroughput();
}
