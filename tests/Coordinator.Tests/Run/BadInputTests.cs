using System.CommandLine;
using System.Security.Cryptography;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// Bad input is refused before training starts: exit code 2, a message naming the problem, and the
/// output folder neither created nor modified.
/// </summary>
[Collection(TrainingRunsCollection.Name)]
public sealed class BadInputTests(TinyRun tiny)
{
    // {model}, {data} and {root} stand for the tiny run's folders.
    public static TheoryData<string, string[], string[]> Cases => new()
    {
        { "missing model folder", ["--model", "{root}/no-such-model", "--data", "{data}"], ["no-such-model", "model folder not found"] },
        { "missing data folder", ["--model", "{model}", "--data", "{root}/no-such-data"], ["no-such-data", "data folder not found"] },
        { "unknown task", ["--model", "{model}", "--data", "{data}", "--task", "parsing"], ["task", "parsing"] },
        { "batch size 0", ["--model", "{model}", "--data", "{data}", "--batch-size", "0"], ["per_device_train_batch_size", "at least 1"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Refused_before_anything_is_written(string problem, string[] arguments, string[] expected)
    {
        var output = tiny.NewRunFolder("bad");
        var resolved = arguments.Select(a => a.Replace("{model}", tiny.ModelFolder).Replace("{data}", tiny.DataFolder).Replace("{root}", tiny.Root));
        var outcome = await OrchestratorProcess.RunAsync(["train", .. resolved, "--output", output], tiny.Root);

        Assert.True(outcome.ExitCode == 2, $"{problem}: exit code {outcome.ExitCode}, expected 2:\n{outcome.Tail()}");
        foreach (var text in expected) Assert.Contains(text, outcome.Output);
        Assert.False(Directory.Exists(output), $"{problem}: {output} was created");
    }

    [Fact]
    public async Task A_fine_tuned_head_with_another_label_count_is_refused()
    {
        var model = Path.Combine(tiny.Root, "three-label-model");
        DefaultRun.EnsureBaseModel(model, Path.Combine(DefaultRun.DataRoot, "vocab.txt"), ["O", "B-X", "I-X"]);
        var output = tiny.NewRunFolder("head");
        var outcome = await OrchestratorProcess.RunAsync(["train", "--model", model, "--data", tiny.DataFolder, "--output", output], tiny.Root);

        Assert.True(outcome.ExitCode == 2, $"exit code {outcome.ExitCode}, expected 2:\n{outcome.Tail()}");
        Assert.Contains(Path.Combine(model, "config.json"), outcome.Output);
        Assert.Contains("3 labels", outcome.Output);
        Assert.Contains("the data has 9", outcome.Output);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task An_output_folder_of_another_configuration_is_refused_and_left_alone()
    {
        var output = tiny.NewRunFolder("other-config");
        var command = new Command("train");
        var cli = TrainOptionsCli.AddTo(command);
        var other = TrainCommand.Bind(cli, command.Parse([.. tiny.Arguments(output, learningRate: "5e-3").Skip(1)]));
        RunFolder.Open(other);
        // What an interrupted run of that configuration leaves: a log and a half-written checkpoint.
        Directory.CreateDirectory(Path.Combine(output, "logs"));
        File.WriteAllText(Path.Combine(output, "logs", "coordinator-0.jsonl"), "{}\n");
        var leftover = Path.Combine(output, "checkpoints", $".tmp-step-000004-{Guid.NewGuid():N}");
        Directory.CreateDirectory(leftover);
        File.WriteAllBytes(Path.Combine(leftover, "model.safetensors"), [1, 2, 3]);
        var before = Snapshot(output);

        var outcome = await OrchestratorProcess.RunAsync(tiny.Arguments(output), tiny.Root);

        Assert.True(outcome.ExitCode == 2, $"exit code {outcome.ExitCode}, expected 2:\n{outcome.Tail()}");
        Assert.Contains("different configuration", outcome.Output);
        Assert.Contains("learning_rate", outcome.Output);
        Assert.Equal(before, Snapshot(output));
    }

    [Fact]
    public async Task A_damaged_run_json_is_refused_naming_the_file()
    {
        var output = tiny.NewRunFolder("damaged-run-json");
        Directory.CreateDirectory(output);
        var manifest = Path.Combine(output, "run.json");
        File.WriteAllText(manifest, "{\"format_version\": 1, \"run_id\": ");
        var before = Snapshot(output);

        var outcome = await OrchestratorProcess.RunAsync(tiny.Arguments(output), tiny.Root);

        Assert.True(outcome.ExitCode == 2, $"exit code {outcome.ExitCode}, expected 2:\n{outcome.Tail()}");
        Assert.Contains(manifest, outcome.Output);
        Assert.Equal(before, Snapshot(output));
    }

    /// <summary>Every file and folder under <paramref name="folder"/> with its content hash.</summary>
    private static List<string> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => Path.GetRelativePath(folder, path) + (File.Exists(path) ? " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "/"))
            .ToList();
}
