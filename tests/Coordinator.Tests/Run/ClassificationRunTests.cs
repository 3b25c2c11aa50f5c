using System.Text.Json;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Config;
using Orchestrator.Worker.Models;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// `train --task classification` end to end on the bundled sets: sentence pairs (paraphrase, MRPC layout)
/// and single texts (sentiment, JSON lines), with a tiny two-label model made for the test.
/// </summary>
public sealed class ClassificationRunTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("paraphrase")]
    [InlineData("sentiment")]
    public async Task A_short_classification_run_reports_accuracy_and_f1(string dataset)
    {
        using var temp = new TempDirectory();
        var data = Path.Combine(DefaultRun.DataRoot, dataset);
        var model = RunTestKit.TinyModel(temp.Combine("base"), File.ReadLines(Path.Combine(data, "labels.txt")).Where(l => l.Length > 0).ToList(),
            ModelTask.SequenceClassification, dropout: 0.1);
        var options = new TrainOptions
        {
            Task = TrainTask.Classification,
            ModelPath = model,
            DataPath = data,
            OutputDir = temp.Combine("run"),
            Workers = 2,
            PerDeviceTrainBatchSize = 16,
            PerDeviceEvalBatchSize = 64,
            MaxSteps = 30,
            EvalSteps = 15,
            LearningRate = 2e-3,
            WarmupRatio = 0.1,
            LoggingSteps = 5,
            MaxLength = 64,
        };

        var (code, console) = await RunTestKit.TrainAsync(options);

        Assert.True(code == RunHost.Succeeded, console);
        var history = RunTestKit.LastState(options.OutputDir!).MetricHistory;
        Assert.Equal([15L, 30L], history.Select(e => e.Step));
        var last = history[^1].Metrics;
        output.WriteLine($"{dataset} after 30 steps: {string.Join(", ", last.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value:F4}"))}");
        foreach (var name in new[] { "accuracy", "f1", "precision", "recall" })
            Assert.InRange(last[name], 0.0, 1.0);
        Assert.True(last["loss"] is > 0 and < 10, $"validation loss {last["loss"]}");
        Assert.Contains("on 200 examples", console);
        Assert.Contains("accuracy", console.Split('\n').Last(l => l.Contains("│ accuracy", StringComparison.Ordinal) || l.Contains("accuracy ", StringComparison.Ordinal)));

        // The standalone evaluation of the final model agrees with the run's last one.
        var evaluate = new StringWriter();
        var error = new StringWriter();
        var request = new EvaluationRequest(Path.Combine(options.OutputDir!, "model"), data) { MaxLength = 64 };
        Assert.Equal(0, EvaluateCommand.Run(new EvaluateSettings(request, Json: true), evaluate, error));
        var json = JsonDocument.Parse(evaluate.ToString()).RootElement;
        Assert.Equal(last["accuracy"], json.GetProperty("accuracy").GetDouble());
        Assert.Equal(last["f1"], json.GetProperty("f1").GetDouble());
        Assert.Equal(200, json.GetProperty("examples").GetInt32());
    }
}
