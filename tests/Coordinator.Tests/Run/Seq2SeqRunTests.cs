using System.Text.Json.Nodes;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data.Synthetic;
using Orchestrator.Torch;
using Orchestrator.Worker.Models.T5;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// The seq2seq task through the same machinery as the classifiers: two workers with batch b reach the weights of
/// one worker with batch 2b, and generated answers (predict_with_generate) are gathered across the workers without
/// the sampler's repeat, so exact match and F1 equal one worker's. The best checkpoint is picked by eval_loss.
/// </summary>
[Collection(TrainingRunsCollection.Name)]
public sealed class Seq2SeqRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_workers_train_and_generate_like_one_worker_with_twice_the_batch()
    {
        using var temp = new TempDirectory();
        var model = TinyT5(temp.Combine("base"));
        // 32 questions: 2 ranks x batch 4 and 1 rank x batch 8 both take 4 full steps per epoch; 13 validation
        // questions: rank 1 repeats example 0, which must count once.
        var data = QaData(temp.Combine("data"), train: 32, validation: 13);
        var two = Options(model, data, temp.Combine("two"), workers: 2, batchSize: 4);
        var one = Options(model, data, temp.Combine("one"), workers: 1, batchSize: 8);
        var (twoCode, twoConsole) = await RunTestKit.TrainAsync(two);
        Assert.True(twoCode == RunHost.Succeeded, twoConsole);
        var (oneCode, oneConsole) = await RunTestKit.TrainAsync(one);
        Assert.True(oneCode == RunHost.Succeeded, oneConsole);

        var difference = RunTestKit.MaxWeightDifference(Path.Combine(two.OutputDir!, "model"), Path.Combine(one.OutputDir!, "model"), out var tensors);
        output.WriteLine($"max |w2 - w1| over {tensors} tensors after 8 steps: {difference:E3}");
        Assert.True(difference <= 1e-5, $"2 workers x batch 4 and 1 worker x batch 8 ended {difference:E3} apart");
        var moved = RunTestKit.MaxWeightDifference(model, Path.Combine(one.OutputDir!, "model"), out _);
        Assert.True(moved > 1e-3, $"training changed the weights by only {moved:E3}");
        // save_pretrained of T5: shared.weight once, the tokenizer beside it, loadable again.
        Assert.True(File.Exists(Path.Combine(two.OutputDir!, "model", "spiece.model")));
        // generation_config.json as GenerationConfig.from_model_config writes it, read back as the generation defaults.
        var generationConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(two.OutputDir!, "model", "generation_config.json")))!.AsObject();
        Assert.Equal(["_from_model_config", "decoder_start_token_id", "eos_token_id", "pad_token_id", "transformers_version"],
            generationConfig.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal((0, 1, 0), ((int)generationConfig["decoder_start_token_id"]!, (int)generationConfig["eos_token_id"]!, (int)generationConfig["pad_token_id"]!));
        Assert.Equal(1, Orchestrator.Worker.Generation.GenerationConfigFile.Read(Path.Combine(two.OutputDir!, "model")).Options.NumBeams);
        using (torch.NewDisposeScope())
        using (T5Pretrained.Load(Path.Combine(two.OutputDir!, "model"))) { }

        var twoState = RunTestKit.LastState(two.OutputDir!);
        var oneState = RunTestKit.LastState(one.OutputDir!);
        Assert.Equal(2, oneState.MetricHistory.Count);
        foreach (var (a, b) in oneState.MetricHistory.Zip(twoState.MetricHistory))
        {
            output.WriteLine($"step {a.Step}: 1 worker {Format(a.Metrics)} | 2 workers {Format(b.Metrics)}");
            Assert.Equal(["exact_match", "f1", "loss"], a.Metrics.Keys.Order());
            Assert.Equal(a.Metrics.Keys.Order(), b.Metrics.Keys.Order());
            Assert.Equal(a.Metrics["exact_match"], b.Metrics["exact_match"]);
            Assert.Equal(a.Metrics["f1"], b.Metrics["f1"]);
            Assert.True(Math.Abs(a.Metrics["loss"] - b.Metrics["loss"]) < 1e-5, $"step {a.Step}: eval loss {b.Metrics["loss"]} vs {a.Metrics["loss"]}");
        }
        Assert.Contains("on 13 examples", twoConsole);
        // metric_for_best_model defaults to loss for seq2seq (the tutorial keeps the best checkpoint by validation loss).
        var best = twoState.MetricHistory.MinBy(e => e.Metrics["loss"])!;
        Assert.Equal(best.Metrics["loss"], twoState.BestMetric);
    }

    /// <summary>init-model --arch t5 --size tiny with the bundled tokenizer, dropout 0 so world sizes can be compared.</summary>
    internal static string TinyT5(string folder)
    {
        using (torch.NewDisposeScope())
        using (T5RandomCheckpoint.Create(new T5RandomCheckpointRequest("tiny", "v1.0", VocabSize: null, DefaultRun.BundledT5Tokenizer, folder, Seed: 7,
                   DropoutRate: 0))) { }
        Assert.Equal(0.0, (double)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!["dropout_rate"]!);
        return folder;
    }

    /// <summary>A folder of generated question-answering CSV files (train, validation).</summary>
    internal static string QaData(string folder, int train, int validation)
    {
        Directory.CreateDirectory(folder);
        var examples = QaGenerator.Generate(train + validation, 17);
        File.WriteAllText(Path.Combine(folder, "train.csv"), QaGenerator.ToCsv(examples.Take(train).ToList()));
        File.WriteAllText(Path.Combine(folder, "validation.csv"), QaGenerator.ToCsv(examples.Skip(train).ToList()));
        return folder;
    }

    private static TrainOptions Options(string model, string data, string output, int workers, int batchSize) => new()
    {
        Task = TrainTask.Seq2Seq,
        ModelPath = model,
        DataPath = data,
        OutputDir = output,
        Workers = workers,
        PerDeviceTrainBatchSize = batchSize,
        PerDeviceEvalBatchSize = 4,
        NumTrainEpochs = 2,
        LearningRate = 5e-3,
        WarmupSteps = 2,
        LoggingSteps = 1,
        MaxLength = 96,
        MaxTargetLength = 16,
        PredictWithGenerate = true,
        GenerationMaxLength = 8,
        GenerationNumBeams = 2,
    };

    private static string Format(Dictionary<string, double> metrics) =>
        string.Join(", ", metrics.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value:G9}"));
}
