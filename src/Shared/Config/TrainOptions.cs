namespace Orchestrator.Shared.Config;

/// <summary>
/// Every option of a training run, with Hugging Face Trainer's defaults (and the course's NER recipe where the
/// brief asks for it: weight decay 0.01, learning rate 2e-5 for token tasks). Null means "derived": call
/// <see cref="Resolve"/> (or the Resolved* members) to get the effective values. Build one with
/// <see cref="TrainOptionsLoader"/> (YAML + command-line overrides) and check it with <see cref="TrainOptionsValidator"/>.
/// </summary>
public sealed record TrainOptions
{
    public const double TokenTaskLearningRate = 2e-5;
    public const double ClassificationLearningRate = 5e-5;
    public const double Seq2SeqLearningRate = 3e-4;

    [TrainOption("task", "ner, pos, chunk (token classification), classification (sequence classification) or seq2seq (T5, text to text)", Trajectory = true)]
    public TrainTask Task { get; init; } = TrainTask.Ner;

    [TrainOption("model_name_or_path", "Folder with config.json, model.safetensors and tokenizer files", Aliases = ["--model"])]
    public string? ModelPath { get; init; }

    [TrainOption("data_path", "Folder (or file) with the train/validation data", Aliases = ["--data"])]
    public string? DataPath { get; init; }

    [TrainOption("output_dir", "Run folder; default runs/<run_name>", Aliases = ["--output"])]
    public string? OutputDir { get; init; }

    [TrainOption("run_name", "Name of the run; default the output folder's name, else the task name")]
    public string? RunName { get; init; }

    [TrainOption("workers", "Number of worker processes (data-parallel world size)", Trajectory = true)]
    public int Workers { get; init; } = 2;

    [TrainOption("num_train_epochs", "Number of epochs (ignored when max_steps > 0)", Trajectory = true, Aliases = ["--epochs"])]
    public int NumTrainEpochs { get; init; } = 3;

    [TrainOption("max_steps", "Total optimizer steps; -1 derives it from num_train_epochs", Trajectory = true)]
    public int MaxSteps { get; init; } = -1;

    [TrainOption("per_device_train_batch_size", "Training batch size per worker", Trajectory = true, Aliases = ["--batch-size"])]
    public int PerDeviceTrainBatchSize { get; init; } = 8;

    [TrainOption("per_device_eval_batch_size", "Evaluation batch size per worker")]
    public int PerDeviceEvalBatchSize { get; init; } = 8;

    [TrainOption("learning_rate", "Peak AdamW learning rate; default 2e-5 for token tasks, 5e-5 for classification", Trajectory = true, Aliases = ["--lr"])]
    public double? LearningRate { get; init; }

    [TrainOption("weight_decay", "AdamW weight decay (never applied to biases and LayerNorm weights)", Trajectory = true)]
    public double WeightDecay { get; init; } = 0.01;

    [TrainOption("adam_beta1", "AdamW beta1", Trajectory = true)]
    public double AdamBeta1 { get; init; } = 0.9;

    [TrainOption("adam_beta2", "AdamW beta2", Trajectory = true)]
    public double AdamBeta2 { get; init; } = 0.999;

    [TrainOption("adam_epsilon", "AdamW epsilon", Trajectory = true)]
    public double AdamEpsilon { get; init; } = 1e-8;

    [TrainOption("max_grad_norm", "Gradient clipping norm; 0 disables clipping", Trajectory = true)]
    public double MaxGradNorm { get; init; } = 1.0;

    [TrainOption("ddp_bucket_cap_mb", "Size in MB of the gradient buckets summed across workers while backward runs (the first is 1 MB)")]
    public int DdpBucketCapMb { get; init; } = 25;

    [TrainOption("warmup_steps", "Linear warmup steps (exclusive with warmup_ratio)", Trajectory = true)]
    public int WarmupSteps { get; init; }

    [TrainOption("warmup_ratio", "Warmup as a fraction of total steps, rounded up (exclusive with warmup_steps)", Trajectory = true)]
    public double WarmupRatio { get; init; }

    [TrainOption("gradient_accumulation_steps", "Micro-batches per optimizer step", Trajectory = true)]
    public int GradientAccumulationSteps { get; init; } = 1;

    [TrainOption("seed", "Seed for initialisation, shuffling and dropout", Trajectory = true)]
    public int Seed { get; init; } = 42;

    [TrainOption("eval_steps", "Evaluate every N optimizer steps; unset evaluates at the end of each epoch")]
    public int? EvalSteps { get; init; }

    [TrainOption("save_steps", "Checkpoint every N optimizer steps; unset saves at the end of each epoch")]
    public int? SaveSteps { get; init; }

    [TrainOption("save_total_limit", "Keep at most N checkpoints (the best one is always kept); unset keeps all")]
    public int? SaveTotalLimit { get; init; }

    [TrainOption("metric_for_best_model", "Metric that picks the best checkpoint (plain name, e.g. f1; an eval_ prefix is accepted); default f1 for token tasks, accuracy for classification, loss for seq2seq")]
    public string? MetricForBestModel { get; init; }

    [TrainOption("greater_is_better", "Whether a larger metric_for_best_model is better; default true unless the metric is loss")]
    public bool? GreaterIsBetter { get; init; }

    [TrainOption("load_best_model_at_end", "Load the best checkpoint when training ends (and push it as the final model)")]
    public bool LoadBestModelAtEnd { get; init; }

    [TrainOption("strict", "seqeval strict IOB2 mode instead of the default (lenient) mode")]
    public bool Strict { get; init; }

    [TrainOption("label_first_subtoken_only", "Label only the first sub-token of each word; the rest get -100", Trajectory = true)]
    public bool LabelFirstSubtokenOnly { get; init; }

    [TrainOption("max_length", "Maximum sequence length in tokens, special tokens included", Trajectory = true, Aliases = ["--max-seq-length"])]
    public int MaxLength { get; init; } = 128;

    [TrainOption("pad_to_multiple_of", "Pad each batch to a multiple of N tokens; unset pads to the longest", Trajectory = true)]
    public int? PadToMultipleOf { get; init; }

    [TrainOption("group_by_length", "Batch examples of similar length together", Trajectory = true)]
    public bool GroupByLength { get; init; }

    [TrainOption("logging_steps", "Report training loss every N optimizer steps")]
    public int LoggingSteps { get; init; } = 10;

    [TrainOption("push_to", "Push destinations: file:///path or git+<url> (repeatable)")]
    public IReadOnlyList<string> PushTo { get; init; } = [];

    [TrainOption("max_failures", "Lost workers a run survives: each time the group re-forms and every rank restores the last checkpoint; one more fails the run")]
    public int MaxFailures { get; init; } = 3;

    [TrainOption("log_format", "text (people) or json (JSON lines on stdout, for clusters)")]
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    [TrainOption("metrics_port", "Serve Prometheus metrics (/metrics) and a live status page (/) on this port; 0 picks a free port; unset serves nothing")]
    public int? MetricsPort { get; init; }

    [TrainOption("metrics_host", "Address the metrics endpoint listens on: 127.0.0.1 (this machine only), 0.0.0.0 (every interface, e.g. in a pod) or localhost")]
    public string MetricsHost { get; init; } = "127.0.0.1";

    [TrainOption("skip_bad_lines", "Skip malformed data lines with a warning instead of failing", Trajectory = true)]
    public bool SkipBadLines { get; init; }

    [TrainOption("ignore_mismatched_sizes", "Re-initialise a classifier head whose shape does not match the labels", Trajectory = true)]
    public bool IgnoreMismatchedSizes { get; init; }

    [TrainOption("text_column", "Classification: the text field; unset takes the first present of text, sentence, sentence1, #1 String, question1, premise, question", Trajectory = true)]
    public string? TextColumn { get; init; }

    [TrainOption("text_pair_column", "Classification: the second text of a pair; unset takes the first present of text_pair, sentence2, #2 String, question2, hypothesis (none: single texts)", Trajectory = true)]
    public string? TextPairColumn { get; init; }

    [TrainOption("label_column", "Classification: the label field; unset takes the first present of label, Quality, labels", Trajectory = true)]
    public string? LabelColumn { get; init; }

    [TrainOption("input_columns", "Seq2seq: the source column(s), one text or a pair encoded as tokenizer(first, second) (repeatable); default context, question", Trajectory = true)]
    public IReadOnlyList<string> InputColumns { get; init; } = Data.Readers.Seq2SeqColumns.DefaultInputColumns;

    [TrainOption("target_column", "Seq2seq: the target column (the answer)", Trajectory = true)]
    public string TargetColumn { get; init; } = Data.Readers.Seq2SeqColumns.DefaultTargetColumn;

    [TrainOption("max_target_length", "Seq2seq: maximum target length in tokens, </s> included", Trajectory = true)]
    public int MaxTargetLength { get; init; } = 128;

    [TrainOption("predict_with_generate", "Seq2seq: evaluate by generating answers and scoring exact_match and f1 (SQuAD), besides the loss")]
    public bool PredictWithGenerate { get; init; }

    [TrainOption("generation_max_length", "Seq2seq: max_length of the answers generated at evaluation; default max_target_length")]
    public int? GenerationMaxLength { get; init; }

    [TrainOption("generation_num_beams", "Seq2seq: num_beams of the answers generated at evaluation; default 1 (greedy)")]
    public int? GenerationNumBeams { get; init; }

    /// <summary>Hugging Face's recipes: 2e-5 for token tasks, 5e-5 for classification, 3e-4 for T5 (as its fine-tuning guides use with AdamW).</summary>
    public double ResolvedLearningRate() =>
        LearningRate ?? (Task.IsTokenClassification() ? TokenTaskLearningRate : Task == TrainTask.Seq2Seq ? Seq2SeqLearningRate : ClassificationLearningRate);

    /// <summary>Plain metric name ("f1", "accuracy", "loss"...): the eval_ prefix Hugging Face uses is removed.</summary>
    public string ResolvedMetricForBestModel()
    {
        // Sequence to sequence keeps the best checkpoint by validation loss, as the T5 tutorial does (the loss is always reported).
        var metric = MetricForBestModel ?? (Task.IsTokenClassification() ? "f1" : Task == TrainTask.Seq2Seq ? "loss" : "accuracy");
        return metric.StartsWith("eval_", StringComparison.Ordinal) ? metric["eval_".Length..] : metric;
    }

    /// <summary>Like Trainer: true unless the metric is a loss.</summary>
    public bool ResolvedGreaterIsBetter() =>
        GreaterIsBetter ?? !ResolvedMetricForBestModel().EndsWith("loss", StringComparison.Ordinal);

    public string ResolvedRunName()
    {
        if (!string.IsNullOrWhiteSpace(RunName)) return RunName;
        if (!string.IsNullOrWhiteSpace(OutputDir))
        {
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(OutputDir));
            if (name.Length > 0) return name;
        }
        return Task.ToConfigName();
    }

    public string ResolvedOutputDir() =>
        string.IsNullOrWhiteSpace(OutputDir) ? Path.Combine("runs", ResolvedRunName()) : OutputDir;

    /// <summary>A copy with every derived value filled in: what run.json records and the hash covers.</summary>
    public TrainOptions Resolve() => this with
    {
        LearningRate = ResolvedLearningRate(),
        MetricForBestModel = ResolvedMetricForBestModel(),
        GreaterIsBetter = ResolvedGreaterIsBetter(),
        RunName = ResolvedRunName(),
        OutputDir = ResolvedOutputDir(),
    };

    // Records compare collections by reference; options compare by content.
    public bool Equals(TrainOptions? other) =>
        other is not null && TrainOptionFields.All.All(f => Equals(f.ToJsonText(this), f.ToJsonText(other)));

    public override int GetHashCode() => TrainOptionFields.All.Aggregate(0, (h, f) => HashCode.Combine(h, f.ToJsonText(this)));
}
