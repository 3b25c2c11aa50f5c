using Orchestrator.Shared.Config;

namespace Orchestrator.Shared.Tests.Config;

public class TrainOptionsLoaderTests
{
    private const string Yaml = """
        # a comment
        task: classification
        model_name_or_path: models/tiny
        data_path: data/mrpc
        learning_rate: 3e-5
        num_train_epochs: 2
        eval_steps: ~
        save_total_limit: 2
        load_best_model_at_end: true
        text_column: sentence1
        text_pair_column: "sentence2"
        push_to:
          - file:///mnt/models
          - git+file:///tmp/remote.git
        log_format: json
        """;

    [Fact]
    public void Yaml_keys_set_options_and_keep_other_defaults()
    {
        using var dir = new TempDirectory();
        var o = TrainOptionsLoader.Load(dir.File("train.yaml", Yaml), []);
        Assert.Equal(TrainTask.Classification, o.Task);
        Assert.Equal(3e-5, o.LearningRate);
        Assert.Equal(2, o.NumTrainEpochs);
        Assert.Null(o.EvalSteps);
        Assert.Equal(2, o.SaveTotalLimit);
        Assert.True(o.LoadBestModelAtEnd);
        Assert.Equal(("sentence1", "sentence2"), (o.TextColumn, o.TextPairColumn));
        Assert.Equal(["file:///mnt/models", "git+file:///tmp/remote.git"], o.PushTo);
        Assert.Equal(LogFormat.Json, o.LogFormat);
        Assert.Equal(8, o.PerDeviceTrainBatchSize);
    }

    [Fact]
    public void Command_line_values_win_over_yaml()
    {
        using var dir = new TempDirectory();
        var o = TrainOptionsLoader.Load(dir.File("train.yaml", Yaml),
        [
            new OptionOverride("learning_rate", "5e-5", "--lr"),
            new OptionOverride("push_to", ["file:///elsewhere"], "--push-to"),
            new OptionOverride("load_best_model_at_end", "false", "--load-best-model-at-end"),
        ]);
        Assert.Equal(5e-5, o.LearningRate);
        Assert.Equal(["file:///elsewhere"], o.PushTo);
        Assert.False(o.LoadBestModelAtEnd);
        Assert.Equal(2, o.NumTrainEpochs);
    }

    [Fact]
    public void Unknown_keys_name_file_line_and_key()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.yaml", "task: ner\nlerning_rate: 1e-4\nfoo_bar_baz_qux: 1\n");
        var e = Assert.Throws<OptionsValidationException>(() => TrainOptionsLoader.Load(path, []));
        Assert.Equal($"{path}:2: unknown key 'lerning_rate' (did you mean 'learning_rate'?)", e.Problems[0]);
        Assert.Equal($"{path}:3: unknown key 'foo_bar_baz_qux'", e.Problems[1]);
        Assert.Equal(2, e.Problems.Count);
    }

    [Fact]
    public void Bad_values_name_file_line_and_key()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.yaml", "task: sentiment\nseed: forty-two\nstrict: maybe\nworkers: [1, 2]\n");
        var e = Assert.Throws<OptionsValidationException>(() => TrainOptionsLoader.Load(path, []));
        Assert.Equal(
        [
            $"{path}:1: task: unknown value 'sentiment' (expected ner, pos, chunk, classification, seq2seq)",
            $"{path}:2: seed: 'forty-two' is not an integer",
            $"{path}:3: strict: 'maybe' is not true or false",
            $"{path}:4: workers takes a single value (integer), not a list",
        ], e.Problems);
    }

    [Fact]
    public void Broken_yaml_is_reported_with_its_line()
    {
        using var dir = new TempDirectory();
        var path = dir.File("broken.yaml", "task: ner\nseed: 1\nseed: 2\n");
        var e = Assert.Throws<OptionsValidationException>(() => TrainOptionsLoader.Load(path, []));
        Assert.StartsWith($"{path}:3:", Assert.Single(e.Problems));
    }

    [Fact]
    public void Command_line_errors_name_the_option_as_typed()
    {
        var e = Assert.Throws<OptionsValidationException>(() => TrainOptionsLoader.Load(null,
        [
            new OptionOverride("model_name_or_path", "m", "--model"),
            new OptionOverride("data_path", "d", "--data"),
            new OptionOverride("learning_rate", "fast", "--lr"),
        ]));
        Assert.Equal("--lr: learning_rate: 'fast' is not a finite number", Assert.Single(e.Problems));
    }

    [Fact]
    public void Missing_config_file_is_an_error()
    {
        var e = Assert.Throws<OptionsValidationException>(() => TrainOptionsLoader.Load("/nonexistent/train.yaml", []));
        Assert.Contains("/nonexistent/train.yaml: configuration file not found", e.Problems);
    }

    [Fact]
    public void Every_key_round_trips_through_yaml()
    {
        // Writes each option's non-default value as YAML and reads it back: the catalogue, parser and setters agree.
        var changed = new TrainOptions
        {
            Task = TrainTask.Pos, ModelPath = "m", DataPath = "d", OutputDir = "o", RunName = "r", Workers = 3,
            NumTrainEpochs = 4, MaxSteps = 100, PerDeviceTrainBatchSize = 16, PerDeviceEvalBatchSize = 32,
            LearningRate = 1e-4, WeightDecay = 0.1, AdamBeta1 = 0.8, AdamBeta2 = 0.99, AdamEpsilon = 1e-6,
            MaxGradNorm = 0.5, DdpBucketCapMb = 4, WarmupSteps = 7, WarmupRatio = 0, GradientAccumulationSteps = 2, Seed = 7,
            EvalSteps = 50, SaveSteps = 100, SaveTotalLimit = 3, MetricForBestModel = "loss", GreaterIsBetter = false,
            LoadBestModelAtEnd = true, Strict = true, LabelFirstSubtokenOnly = true, MaxLength = 256,
            PadToMultipleOf = 8, GroupByLength = true, LoggingSteps = 5, PushTo = ["file:///x"], MaxFailures = 1,
            LogFormat = LogFormat.Json, SkipBadLines = true, IgnoreMismatchedSizes = true, TextColumn = "t",
            TextPairColumn = "p", LabelColumn = "l", MetricsPort = 9464, MetricsHost = "0.0.0.0",
            InputColumns = ["document"], TargetColumn = "summary", MaxTargetLength = 64, PredictWithGenerate = true,
            GenerationMaxLength = 40, GenerationNumBeams = 4,
        };
        var yaml = string.Join("\n", TrainOptionFields.All.Select(f => $"{f.Key}: {f.ToJsonText(changed)}"));
        var problems = new List<string>();
        var loaded = TrainOptionsLoader.ParseYaml(yaml, "all.yaml", new TrainOptions(), problems);
        Assert.Empty(problems);
        Assert.Equal(changed, loaded);
        // Every key was exercised (warmup_ratio stays 0 because it is exclusive with warmup_steps).
        var unchanged = TrainOptionFields.All.Where(f => f.ToJsonText(new TrainOptions()) == f.ToJsonText(changed)).Select(f => f.Key);
        Assert.Equal(["warmup_ratio"], unchanged);
    }
}
