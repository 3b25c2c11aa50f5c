using System.CommandLine;
using System.Text.Json;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Coordinator.Run;
using Orchestrator.Coordinator.Tests.Run;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Data.Synthetic;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Tests.Cli;

/// <summary>One short two-worker training run whose final model the evaluate tests score.</summary>
public sealed class TrainedNerRun : IAsyncLifetime
{
    private readonly TempDirectory temp = new();

    public string Data { get; private set; } = "";
    public string Model { get; private set; } = "";
    public EvaluationRecord LastEvaluation { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var baseModel = RunTestKit.TinyModel(temp.Combine("base"), NerCorpusGenerator.Labels, ModelTask.TokenClassification, dropout: 0.1);
        Data = RunTestKit.NerData(temp.Combine("data"), train: 64, validation: 9);
        // Enough steps at a high learning rate for non-zero entity scores, so equal scores say something.
        var options = RunTestKit.NerOptions(baseModel, Data, temp.Combine("run"), workers: 2, batchSize: 8) with { NumTrainEpochs = 10, LearningRate = 1e-2 };
        var (code, console) = await RunTestKit.TrainAsync(options);
        Assert.True(code == RunHost.Succeeded, console);
        Model = Path.Combine(options.OutputDir!, "model");
        LastEvaluation = RunTestKit.LastState(options.OutputDir!).MetricHistory[^1];
    }

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class EvaluateCommandTests(TrainedNerRun run, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<TrainedNerRun>
{
    [Fact]
    public void Evaluating_the_final_model_reproduces_the_runs_last_evaluation()
    {
        var (code, output, error) = Invoke($"evaluate --model {run.Model} --data {run.Data} --json");

        log.WriteLine(output);
        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        var metrics = run.LastEvaluation.Metrics;
        // The run evaluated the same weights with two workers (9 examples: one repeated by the sampler).
        Assert.Equal(metrics["precision"], json.GetProperty("overall_precision").GetDouble());
        Assert.Equal(metrics["recall"], json.GetProperty("overall_recall").GetDouble());
        Assert.Equal(metrics["f1"], json.GetProperty("overall_f1").GetDouble());
        Assert.Equal(metrics["accuracy"], json.GetProperty("overall_accuracy").GetDouble());
        Assert.Equal(metrics["loss"], json.GetProperty("loss").GetDouble(), 5);
        Assert.Equal(9, json.GetProperty("examples").GetInt32());
        Assert.True(metrics["f1"] > 0, $"the run learned no entity (f1 {metrics["f1"]}): the comparison would prove little");
        // evaluate's seqeval shape: one object per entity type with precision, recall, f1 and number.
        var types = json.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).ToList();
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.Equal(["f1", "number", "precision", "recall"], t.Value.EnumerateObject().Select(p => p.Name).Order()));
        Assert.All(types, t => Assert.Contains(t.Name, new[] { "PER", "ORG", "LOC", "MISC" }));
    }

    [Fact]
    public void The_table_shows_the_overall_row_and_the_example_count()
    {
        var (code, output, error) = Invoke($"evaluate --model {run.Model} --data {run.Data} --batch-size 2");

        log.WriteLine(output);
        Assert.True(code == 0, error);
        Assert.Contains("(ner, 9 examples)", output);
        Assert.Contains("overall", output);
        Assert.Contains($"{run.LastEvaluation.Metrics["f1"]:0.0000}", output.Split('\n').Single(l => l.Contains("overall")));
    }

    [Fact]
    public void A_single_file_is_scored_like_the_folder_split_it_came_from()
    {
        var (folderCode, folder, _) = Invoke($"evaluate --model {run.Model} --data {run.Data} --json");
        var (fileCode, file, error) = Invoke($"evaluate --model {run.Model} --data {Path.Combine(run.Data, "validation.conll")} --json");

        Assert.Equal(0, folderCode);
        Assert.True(fileCode == 0, error);
        Assert.Equal(folder, file);
    }

    [Fact]
    public void A_missing_split_is_bad_input_naming_the_split()
    {
        var (code, output, error) = Invoke($"evaluate --model {run.Model} --data {run.Data} --split test");

        log.WriteLine(error);
        Assert.Equal(RunHost.BadInput, code);
        Assert.Equal("", output);
        Assert.Contains("no test file", error);
        Assert.Contains(run.Data, error);
    }

    [Fact]
    public void A_task_the_model_has_no_head_for_is_bad_input()
    {
        var (code, _, error) = Invoke($"evaluate --model {run.Model} --data {run.Data} --task classification");

        Assert.Equal(RunHost.BadInput, code);
        Assert.Contains("ForSequenceClassification", error);
        Assert.Contains("config.json", error);
    }

    internal static (int Code, string Output, string Error) Invoke(string commandLine)
    {
        var root = new RootCommand();
        root.Subcommands.Add(EvaluateCommand.Create());
        var parse = root.Parse(commandLine.Split(' '));
        Assert.Empty(parse.Errors);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = EvaluateCommand.Run(EvaluateCommand.Bind(parse), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
