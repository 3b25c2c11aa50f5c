using System.Text.Json.Nodes;
using Orchestrator.Shared.Config;
using Orchestrator.Shared.IO;

namespace Orchestrator.Shared.Tests.Config;

public class RunFolderTests
{
    private static TrainOptions Options(string runDir) => new() { ModelPath = "m", DataPath = "d", OutputDir = runDir };

    [Fact]
    public void Hash_covers_trajectory_options_only()
    {
        var o = new TrainOptions { ModelPath = "m", DataPath = "d" };
        Assert.Equal(ConfigurationHash.Compute(o), ConfigurationHash.Compute(o with { }));
        Assert.Equal(ConfigurationHash.Compute(o), ConfigurationHash.Compute(o with { LoggingSteps = 99, EvalSteps = 5, PushTo = ["file:///x"] }));
        Assert.Equal(ConfigurationHash.Compute(o), ConfigurationHash.Compute(o with { LearningRate = 2e-5 })); // the resolved default
        Assert.NotEqual(ConfigurationHash.Compute(o), ConfigurationHash.Compute(o with { LearningRate = 3e-5 }));
        Assert.NotEqual(ConfigurationHash.Compute(o), ConfigurationHash.Compute(o with { Seed = 1 }));
        Assert.NotEqual(ConfigurationHash.Compute(o), ConfigurationHash.Compute(o with { Workers = 4 }));
        Assert.Matches("^[0-9a-f]{64}$", ConfigurationHash.Compute(o));
    }

    [Fact]
    public void Canonical_form_is_sorted_and_resolved()
    {
        var json = JsonNode.Parse(ConfigurationHash.CanonicalJson(new TrainOptions()))!.AsObject();
        var keys = json.Select(p => p.Key).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(2e-5, json["learning_rate"]!.GetValue<double>());
        Assert.DoesNotContain("logging_steps", keys);
    }

    [Fact]
    public void A_new_folder_gets_run_json_and_a_second_start_resumes_it()
    {
        using var tmp = new TempDirectory();
        var runDir = Path.Combine(tmp.Path, "runs", "x");
        var first = RunFolder.Open(Options(runDir), "run-1");
        Assert.False(first.IsResume);
        var manifest = RunManifest.Read(Path.Combine(runDir, "run.json"));
        Assert.Equal("run-1", manifest.RunId);
        Assert.Equal("x", manifest.RunName);
        Assert.Equal(ConfigurationHash.Compute(Options(runDir)), manifest.ConfigurationHash);
        Assert.Equal(2e-5, manifest.Options["learning_rate"]!.GetValue<double>());
        Assert.Empty(Directory.GetFiles(runDir, "*.tmp", SearchOption.AllDirectories));

        var second = RunFolder.Open(Options(runDir) with { LoggingSteps = 50 }, "run-2");
        Assert.True(second.IsResume);
        Assert.Equal("run-1", second.RunId);
        Assert.Equal("logging_steps 10 -> 50", Assert.Single(second.ChangedNonTrajectoryOptions).ToString());
    }

    [Fact]
    public void A_folder_of_another_configuration_is_refused_naming_the_keys()
    {
        using var tmp = new TempDirectory();
        var runDir = Path.Combine(tmp.Path, "x");
        RunFolder.Open(Options(runDir));
        var e = Assert.Throws<RunConfigurationMismatchException>(() =>
            RunFolder.Open(Options(runDir) with { LearningRate = 3e-5, LoggingSteps = 1 }));
        Assert.Equal($"{runDir} was created by a different configuration: learning_rate 2e-05 -> 3e-05", e.Message);

        var two = Assert.Throws<RunConfigurationMismatchException>(() =>
            RunFolder.Open(Options(runDir) with { Seed = 1, PerDeviceTrainBatchSize = 16 }));
        Assert.Equal(["per_device_train_batch_size 8 -> 16", "seed 42 -> 1"], two.Differences.Select(d => d.ToString()));
    }

    [Fact]
    public void Checking_the_configuration_only_reads()
    {
        using var tmp = new TempDirectory();
        var runDir = Path.Combine(tmp.Path, "x");
        RunFolder.CheckConfiguration(Options(runDir));
        Assert.False(Directory.Exists(runDir));

        RunFolder.Open(Options(runDir));
        var before = File.ReadAllBytes(Path.Combine(runDir, "run.json"));
        RunFolder.CheckConfiguration(Options(runDir) with { LoggingSteps = 1 });
        var e = Assert.Throws<RunConfigurationMismatchException>(() => RunFolder.CheckConfiguration(Options(runDir) with { LearningRate = 3e-5 }));
        Assert.Equal("learning_rate 2e-05 -> 3e-05", Assert.Single(e.Differences).ToString());
        Assert.Equal(["run.json"], Directory.EnumerateFileSystemEntries(runDir).Select(Path.GetFileName));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(runDir, "run.json")));
    }

    [Fact]
    public void Differences_print_choices_lists_and_unset_values_readably()
    {
        using var tmp = new TempDirectory();
        var runDir = Path.Combine(tmp.Path, "x");
        RunFolder.Open(Options(runDir));
        var resumed = RunFolder.Open(Options(runDir) with { PushTo = ["file:///a", "git+file:///b"], EvalSteps = 100 });
        Assert.Equal(["eval_steps null -> 100", "push_to [] -> [file:///a, git+file:///b]"], resumed.ChangedNonTrajectoryOptions.Select(d => d.ToString()));
        var e = Assert.Throws<RunConfigurationMismatchException>(() => RunFolder.Open(Options(runDir) with { Task = TrainTask.Pos, PadToMultipleOf = 8 }));
        Assert.Equal(["task ner -> pos", "pad_to_multiple_of null -> 8"], e.Differences.Select(d => d.ToString()));
    }

    [Fact]
    public void A_damaged_run_json_names_the_file()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("run.json", "{\"format_version\": 1, \"run_id\": 5}");
        var e = Assert.Throws<InvalidDataException>(() => RunManifest.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Atomic_writes_replace_content_and_leave_no_temporary_files()
    {
        using var tmp = new TempDirectory();
        var path = Path.Combine(tmp.Path, "sub", "a.txt");
        AtomicFile.WriteAllText(path, "one");
        AtomicFile.WriteAllText(path, "two");
        AtomicFile.WriteAllBytes(Path.Combine(tmp.Path, "b.bin"), [1, 2, 3]);
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(tmp.Path, "b.bin")));
        Assert.Equal(["a.txt"], Directory.GetFiles(Path.Combine(tmp.Path, "sub")).Select(Path.GetFileName));
    }
}
