using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Checkpoints;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// The newcomer's journey and CI's proof of the main job: `orchestrator train` with no model or data
/// trains the tiny default model on the bundled NER data with two workers, learns it, and leaves a
/// complete run folder.
/// </summary>
[Collection(TrainingRunsCollection.Name)]
public sealed class DefaultRunTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] CheckpointFiles =
        ["model.safetensors", "config.json", "vocab.txt", "tokenizer_config.json", "optimizer.safetensors", "trainer_state.json", "manifest.json"];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>`orchestrator train [options] --output RUN` from an empty working directory; it must succeed.</summary>
    private async Task<(ProcessOutcome Outcome, string WorkingDirectory, string Run)> TrainDefaultAsync(string name, TimeSpan timeout,
        params string[] options)
    {
        var workingDirectory = _temp.Combine("cwd");
        Directory.CreateDirectory(workingDirectory);
        var run = _temp.Combine("runs", name);
        var watch = Stopwatch.StartNew();

        var outcome = await OrchestratorProcess.RunAsync(["train", .. options, "--output", run], workingDirectory, timeout: timeout);

        output.WriteLine($"{name} run: {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(outcome.ExitCode == 0, $"exit code {outcome.ExitCode}:\n{outcome.Tail()}");
        return (outcome, workingDirectory, run);
    }

    [Fact]
    public async Task The_embedded_default_run_learns_the_bundled_data_and_leaves_a_complete_run_folder()
    {
        var (outcome, workingDirectory, run) = await TrainDefaultAsync("default", TimeSpan.FromMinutes(5));
        // The base model is made next to the run folder; the current directory is left alone.
        Assert.True(File.Exists(_temp.Combine("runs", "default-base-model", "model.safetensors")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingDirectory));

        Assert.True(File.Exists(Path.Combine(run, "run.json")));
        var checkpoints = Path.Combine(run, "checkpoints");
        string[] epochs = ["epoch-0001", "epoch-0002", "epoch-0003"];
        foreach (var epoch in epochs)
            foreach (var file in CheckpointFiles)
                Assert.True(File.Exists(Path.Combine(checkpoints, epoch, file)), $"{epoch}/{file} is missing");
        Assert.Equal("epoch-0003", File.ReadAllText(Path.Combine(checkpoints, "latest")).Trim());
        var scan = new CheckpointStore(checkpoints).Scan();
        Assert.Empty(scan.Damaged);
        Assert.Equal(epochs, scan.Valid.Select(c => c.Name));

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoints, "epoch-0003", "config.json")))!;
        Assert.Equal(9, config["id2label"]!.AsObject().Count);
        Assert.Equal("B-PER", (string?)config["id2label"]!["1"]);

        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoints, "epoch-0003", "trainer_state.json")))!;
        var evaluations = state["metric_history"]!.AsArray();
        Assert.Equal(3, evaluations.Count);
        var f1 = (double)evaluations[^1]!["metrics"]!["f1"]!;
        output.WriteLine($"validation F1 after 3 epochs: {f1:F4}");
        Assert.True(f1 > 0.9, $"validation F1 {f1:F4} is not above 0.9");

        Assert.True(File.Exists(Path.Combine(run, "model", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "model", "config.json")));
        Assert.False(File.Exists(Path.Combine(run, "model", "optimizer.safetensors")));

        var events = Directory.EnumerateFiles(Path.Combine(run, "logs"), "*.jsonl")
            .SelectMany(File.ReadLines)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToList();
        Assert.NotEmpty(events);
        var runId = (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!["run_id"];
        Assert.All(events, e =>
        {
            Assert.Equal(runId, (string?)e["RunId"]);
            Assert.Contains((string?)e["Role"], new[] { "coordinator", "worker" });
            Assert.NotNull(e["Rank"]);
        });
        Assert.Contains(events, e => (string?)e["Role"] == "worker" && (int)e["Rank"]! == 1);
        var progress = events.Where(e => e["Loss"] is not null && ((string?)e["template"])?.Contains("{Loss") == true).ToList();
        Assert.True(progress.Count >= 10, $"only {progress.Count} progress events");
        Assert.All(progress, e =>
        {
            Assert.InRange((int)e["Epoch"]!, 1, 3);
            Assert.True((long)e["Step"]! > 0);
            Assert.True(double.IsFinite((double)e["Loss"]!));
        });
        // Loss falls: the last reported loss is well below the first.
        Assert.True((double)progress[^1]["Loss"]! < (double)progress[0]["Loss"]! / 2);

        // A run that ended normally ends quietly: the workers' planned exit is no association failure, on the
        // console or in any process's log (Akka's own events are in the same files).
        Assert.DoesNotContain(outcome.Lines, line => line.Contains(" WRN] ") || line.Contains(" ERR] ") || line.Contains("Disassociated"));
        var loud = events.Where(e => (string?)e["level"] is "Warning" or "Error" or "Fatal").Select(e => e.ToJsonString()).ToList();
        Assert.True(loud.Count == 0, $"warnings or errors in a successful run's logs:\n{string.Join('\n', loud)}");
    }

    /// <summary>
    /// Issue 11: `orchestrator train --task seq2seq` with no model or data trains a tiny T5 on the bundled QA data and
    /// visibly learns to answer in about a minute (measured: exact match 82% after its 10 epochs; 5% after the first).
    /// </summary>
    [Fact]
    public async Task The_embedded_seq2seq_default_learns_to_answer_the_bundled_questions()
    {
        var (_, workingDirectory, run) = await TrainDefaultAsync("qa", TimeSpan.FromMinutes(10), "--task", "seq2seq");
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingDirectory));
        // The base model: one embedding row per id of the bundled tokenizer, and no dropout.
        var baseConfig = JsonNode.Parse(File.ReadAllText(_temp.Combine("runs", "default-seq2seq-base-model", "config.json")))!;
        Assert.Equal(Orchestrator.Shared.Text.T5Tokenizer.Load(DefaultRun.BundledT5Tokenizer).VocabSize, (int)baseConfig["vocab_size"]!);
        Assert.Equal(0.0, (double)baseConfig["dropout_rate"]!);

        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "checkpoints", "epoch-0010", "trainer_state.json")))!;
        var evaluations = state["metric_history"]!.AsArray().Select(e => e!["metrics"]!).ToList();
        Assert.Equal(10, evaluations.Count);
        var exactMatch = evaluations.Select(m => (double)m["exact_match"]!).ToList();
        output.WriteLine($"validation exact match by epoch: {string.Join(", ", exactMatch)}");
        Assert.True(exactMatch[^1] >= 50, $"validation exact match {exactMatch[^1]} after 10 epochs is below 50");
        Assert.True(exactMatch[0] < exactMatch[^1] / 2, $"exact match {exactMatch[0]} after one epoch: nothing was learnt after it");
        Assert.True((double)evaluations[^1]["loss"]! < (double)evaluations[0]["loss"]! / 2);
        Assert.True(File.Exists(Path.Combine(run, "model", "spiece.model")));
    }
}
