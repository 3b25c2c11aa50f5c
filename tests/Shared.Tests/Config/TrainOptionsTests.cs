using Orchestrator.Shared.Config;

namespace Orchestrator.Shared.Tests.Config;

public class TrainOptionsTests
{
    private static TrainOptions Valid(TrainTask task = TrainTask.Ner) =>
        new() { Task = task, ModelPath = "models/tiny", DataPath = "data/tiny" };

    [Fact]
    public void Defaults_follow_the_trainer_and_the_course_recipe()
    {
        var o = new TrainOptions();
        Assert.Equal(2, o.Workers);
        Assert.Equal(3, o.NumTrainEpochs);
        Assert.Equal(-1, o.MaxSteps);
        Assert.Equal(8, o.PerDeviceTrainBatchSize);
        Assert.Equal(8, o.PerDeviceEvalBatchSize);
        Assert.Equal(0.01, o.WeightDecay);
        Assert.Equal((0.9, 0.999, 1e-8), (o.AdamBeta1, o.AdamBeta2, o.AdamEpsilon));
        Assert.Equal(1.0, o.MaxGradNorm);
        Assert.Equal(1, o.GradientAccumulationSteps);
        Assert.Equal(42, o.Seed);
        Assert.Equal(128, o.MaxLength);
        Assert.Equal(10, o.LoggingSteps);
        Assert.Null(o.EvalSteps);
        Assert.Empty(o.PushTo);
    }

    [Theory]
    [InlineData(TrainTask.Ner, 2e-5, "f1")]
    [InlineData(TrainTask.Pos, 2e-5, "f1")]
    [InlineData(TrainTask.Chunk, 2e-5, "f1")]
    [InlineData(TrainTask.Classification, 5e-5, "accuracy")]
    public void Derived_values_depend_on_the_task(TrainTask task, double lr, string metric)
    {
        var o = new TrainOptions { Task = task };
        Assert.Equal(lr, o.ResolvedLearningRate());
        Assert.Equal(metric, o.ResolvedMetricForBestModel());
        Assert.True(o.ResolvedGreaterIsBetter());
        Assert.Equal(3e-5, (o with { LearningRate = 3e-5 }).ResolvedLearningRate());
    }

    [Fact]
    public void Metric_names_drop_the_eval_prefix_and_losses_prefer_smaller()
    {
        Assert.Equal("f1", new TrainOptions { MetricForBestModel = "eval_f1" }.ResolvedMetricForBestModel());
        var loss = new TrainOptions { MetricForBestModel = "eval_loss" };
        Assert.False(loss.ResolvedGreaterIsBetter());
        Assert.True((loss with { GreaterIsBetter = true }).ResolvedGreaterIsBetter());
    }

    [Fact]
    public void Run_name_and_output_folder_derive_from_each_other()
    {
        Assert.Equal(Path.Combine("runs", "ner"), new TrainOptions().ResolvedOutputDir());
        Assert.Equal(Path.Combine("runs", "exp1"), new TrainOptions { RunName = "exp1" }.ResolvedOutputDir());
        Assert.Equal("mine", new TrainOptions { OutputDir = "/data/runs/mine/" }.ResolvedRunName());
        Assert.Equal("/data/runs/mine/", new TrainOptions { OutputDir = "/data/runs/mine/" }.ResolvedOutputDir());
    }

    [Fact]
    public void A_complete_configuration_has_no_problems()
    {
        Assert.Empty(TrainOptionsValidator.Problems(Valid()));
        Assert.Empty(TrainOptionsValidator.Problems(Valid(TrainTask.Classification) with { PushTo = ["file:///tmp/x", "git+https://example.org/m"] }));
    }

    [Theory]
    [InlineData("per_device_train_batch_size")]
    [InlineData("learning_rate")]
    [InlineData("warmup_ratio")]
    [InlineData("warmup_steps (5) and warmup_ratio (0.1) conflict")]
    [InlineData("gradient_accumulation_steps")]
    [InlineData("max_steps")]
    [InlineData("metric_for_best_model")]
    [InlineData("load_best_model_at_end")]
    [InlineData("push_to")]
    [InlineData("run_name")]
    [InlineData("ddp_bucket_cap_mb")]
    public void Each_rule_names_its_option(string expected)
    {
        var bad = expected switch
        {
            "per_device_train_batch_size" => Valid() with { PerDeviceTrainBatchSize = 0 },
            "learning_rate" => Valid() with { LearningRate = 0 },
            "warmup_ratio" => Valid() with { WarmupRatio = 1.0 },
            "gradient_accumulation_steps" => Valid() with { GradientAccumulationSteps = 0 },
            "max_steps" => Valid() with { MaxSteps = 0 },
            "metric_for_best_model" => Valid(TrainTask.Classification) with { MetricForBestModel = "recall" },
            "load_best_model_at_end" => Valid() with { LoadBestModelAtEnd = true, EvalSteps = 100, SaveSteps = 150 },
            "push_to" => Valid() with { PushTo = ["s3://bucket"] },
            "run_name" => Valid() with { RunName = "a/b" },
            "ddp_bucket_cap_mb" => Valid() with { DdpBucketCapMb = 0 },
            _ => Valid() with { WarmupSteps = 5, WarmupRatio = 0.1 },
        };
        var problem = Assert.Single(TrainOptionsValidator.Problems(bad));
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void Seq2seq_keeps_the_best_checkpoint_by_loss_unless_generated_answers_are_scored()
    {
        var seq2seq = Valid(TrainTask.Seq2Seq);
        Assert.Empty(TrainOptionsValidator.Problems(seq2seq));
        Assert.Equal("loss", seq2seq.ResolvedMetricForBestModel());
        Assert.False(seq2seq.ResolvedGreaterIsBetter());
        Assert.Equal(TrainOptions.Seq2SeqLearningRate, seq2seq.ResolvedLearningRate());
        Assert.False(seq2seq.Task.IsTokenClassification());

        // exact_match and f1 exist only when answers are generated (Seq2SeqTrainer's predict_with_generate).
        var byF1 = seq2seq with { MetricForBestModel = "eval_exact_match" };
        Assert.StartsWith("metric_for_best_model: exact_match is only reported with predict_with_generate", Assert.Single(TrainOptionsValidator.Problems(byF1)));
        Assert.Empty(TrainOptionsValidator.Problems(byF1 with { PredictWithGenerate = true }));
        Assert.True((byF1 with { PredictWithGenerate = true }).ResolvedGreaterIsBetter());
        Assert.StartsWith("metric_for_best_model: 'accuracy' is not reported for task seq2seq",
            Assert.Single(TrainOptionsValidator.Problems(seq2seq with { MetricForBestModel = "accuracy" })));

        Assert.StartsWith("input_columns", Assert.Single(TrainOptionsValidator.Problems(seq2seq with { InputColumns = ["a", "b", "c"] })));
        Assert.StartsWith("max_target_length", Assert.Single(TrainOptionsValidator.Problems(seq2seq with { MaxTargetLength = 1 })));
        Assert.StartsWith("generation_num_beams", Assert.Single(TrainOptionsValidator.Problems(seq2seq with { GenerationNumBeams = 0 })));
    }

    [Fact]
    public void Validation_reports_every_problem_at_once()
    {
        var bad = new TrainOptions { PerDeviceTrainBatchSize = 0, LearningRate = -1, WarmupRatio = 1.5 };
        var e = Assert.Throws<OptionsValidationException>(() => TrainOptionsValidator.Validate(bad));
        Assert.Equal(5, e.Problems.Count); // model, data, batch size, lr, warmup ratio
        Assert.Contains(e.Problems, p => p.StartsWith("model_name_or_path (--model) is required"));
        Assert.Contains(e.Problems, p => p.StartsWith("data_path (--data) is required"));
        Assert.Contains("learning_rate: must be positive (got -1.0)", e.Message);
    }

    [Fact]
    public void Equality_compares_lists_by_content()
    {
        Assert.Equal(new TrainOptions { PushTo = ["file:///a"] }, new TrainOptions { PushTo = new List<string> { "file:///a" } });
        Assert.NotEqual(new TrainOptions { PushTo = ["file:///a"] }, new TrainOptions { PushTo = ["file:///b"] });
    }

    [Theory]
    [InlineData(2e-5, "2e-05")]
    [InlineData(1e-8, "1e-08")]
    [InlineData(0.01, "0.01")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.999, "0.999")]
    public void Numbers_print_like_python(double value, string text) => Assert.Equal(text, ConfigValueText.FormatDouble(value));
}

public class ConfigurationDocsTests
{
    [Fact]
    public void Configuration_page_lists_every_key()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Orchestrator.sln"))) root = Path.GetDirectoryName(root)!;
        var page = File.ReadAllText(Path.Combine(root, "docs", "configuration.md"));
        Assert.All(TrainOptionFields.All, f => Assert.Contains($"| `{f.Key}` | `{f.CliName}`", page));
    }
}
