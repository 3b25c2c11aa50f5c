using System.CommandLine;
using System.Text.Json;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Coordinator.Run;
using Orchestrator.Coordinator.Tests.Run;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Tests.Cli;

/// <summary>
/// A tiny T5 trained long enough on a few questions to answer some of them by heart: the validation split repeats
/// training questions, so the run's generated answers score above zero and equal scores say something.
/// </summary>
public sealed class TrainedSeq2SeqRun : IAsyncLifetime
{
    private readonly TempDirectory temp = new();

    public string Data { get; private set; } = "";
    public string Model { get; private set; } = "";
    public EvaluationRecord LastEvaluation { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var baseModel = Seq2SeqRunTests.TinyT5(temp.Combine("base"));
        Data = Seq2SeqRunTests.QaData(temp.Combine("data"), train: 24, validation: 0);
        File.Copy(Path.Combine(Data, "train.csv"), Path.Combine(Data, "validation.csv"), overwrite: true);
        var options = new TrainOptions
        {
            Task = TrainTask.Seq2Seq, ModelPath = baseModel, DataPath = Data, OutputDir = temp.Combine("run"), Workers = 2,
            PerDeviceTrainBatchSize = 4, PerDeviceEvalBatchSize = 8, NumTrainEpochs = 30, LearningRate = 1e-2, WarmupSteps = 5,
            MaxLength = 96, MaxTargetLength = 16, PredictWithGenerate = true, GenerationMaxLength = 8, EvalSteps = 90,
        };
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

public sealed class EvaluateSeq2SeqTests(TrainedSeq2SeqRun run, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<TrainedSeq2SeqRun>
{
    [Fact]
    public void Evaluating_the_final_model_reproduces_the_runs_generated_answers_scores()
    {
        // The run generated greedily with max_length 8 (the start token and 7 new tokens).
        var (code, output, error) = Invoke($"evaluate --model {run.Model} --data {run.Data} --num-beams 1 --max-new-tokens 7 --json");

        log.WriteLine(output);
        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        var metrics = run.LastEvaluation.Metrics;
        Assert.True(metrics["exact_match"] > 0, $"the run answered nothing right (exact_match {metrics["exact_match"]}): the comparison would prove little");
        Assert.Equal(metrics["exact_match"], json.GetProperty("exact_match").GetDouble());
        Assert.Equal(metrics["f1"], json.GetProperty("f1").GetDouble());
        // Within 1e-6, not "to 5 decimals": the sums of two ranks and of one process differ in the last bits (7e-8 on
        // libtorch 2.6), which can straddle a rounding boundary.
        Assert.Equal(metrics["loss"], json.GetProperty("eval_loss").GetDouble(), 1e-6);
        Assert.Equal(24, json.GetProperty("examples").GetInt32());
    }

    [Fact]
    public void Columns_are_named_like_in_training_and_a_missing_one_is_a_clear_error()
    {
        var (code, _, error) = Invoke($"evaluate --model {run.Model} --data {run.Data} --target-column answer");
        Assert.Equal(RunHost.BadInput, code);
        Assert.Contains("target column 'answer' not found", error);
        Assert.Contains("validation.csv:1", error);

        var (tableCode, table, tableError) = Invoke($"evaluate --model {run.Model} --data {run.Data} --input-columns context question --max-new-tokens 7");
        Assert.True(tableCode == 0, tableError);
        Assert.Contains("seq2seq, 24 examples", table);
        Assert.Contains("exact_match", table);
    }

    private static (int Code, string Output, string Error) Invoke(string commandLine) => EvaluateCommandTests.Invoke(commandLine);
}
