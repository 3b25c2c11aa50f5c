using System.CommandLine;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Tests.Cli;

public class TrainOptionsCliTests
{
    private static (TrainOptionsCli Cli, Command Command) Train()
    {
        var command = new Command("train");
        return (TrainOptionsCli.AddTo(command), command);
    }

    [Fact]
    public void Command_line_values_override_the_yaml_file()
    {
        using var tmp = new TempDirectory();
        var yaml = tmp.Combine("train.yaml");
        File.WriteAllText(yaml, "model_name_or_path: m\ndata_path: d\nlearning_rate: 1e-4\nseed: 7\nstrict: true\n");
        var (cli, command) = Train();
        var parse = command.Parse(["--config", yaml, "--lr", "3e-5", "--epochs", "2", "--strict", "false", "--group-by-length",
            "--push-to", "file:///a", "git+file:///b", "--task", "POS"]);
        Assert.Empty(parse.Errors);
        var o = cli.Bind(parse);
        Assert.Equal(3e-5, o.LearningRate);
        Assert.Equal(2, o.NumTrainEpochs);
        Assert.Equal(7, o.Seed);
        Assert.False(o.Strict);
        Assert.True(o.GroupByLength);
        Assert.Equal(["file:///a", "git+file:///b"], o.PushTo);
        Assert.Equal(TrainTask.Pos, o.Task);
        Assert.Equal(("m", "d"), (o.ModelPath, o.DataPath));
    }

    [Fact]
    public void Only_typed_options_become_overrides()
    {
        var (cli, command) = Train();
        var overrides = cli.Overrides(command.Parse(["--model", "m", "--per-device-train-batch-size", "16"]));
        Assert.Equal(["model_name_or_path=m (--model)", "per_device_train_batch_size=16 (--per-device-train-batch-size)"],
            overrides.Select(o => $"{o.Key}={string.Join(",", o.Values)} ({o.Source})"));
    }

    [Fact]
    public void Errors_name_the_option_as_typed_and_come_together()
    {
        var (cli, command) = Train();
        var e = Assert.Throws<OptionsValidationException>(() =>
            cli.Bind(command.Parse(["--model", "m", "--data", "d", "--lr", "fast", "--workers", "two"])));
        Assert.Equal(["--workers: workers: 'two' is not an integer", "--lr: learning_rate: 'fast' is not a finite number"], e.Problems); // catalogue order
    }

    [Fact]
    public void Every_configuration_key_has_a_command_line_option()
    {
        var (cli, _) = Train();
        var names = cli.Options.Select(o => o.Name).ToHashSet();
        Assert.All(TrainOptionFields.All, f => Assert.Contains(f.CliName, names));
        Assert.Contains("--config", names);
    }
}
