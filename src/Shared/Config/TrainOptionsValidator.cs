namespace Orchestrator.Shared.Config;

/// <summary>Checks a <see cref="TrainOptions"/> before anything starts; reports every problem, not just the first.</summary>
public static class TrainOptionsValidator
{
    private static readonly string[] TokenMetrics = ["precision", "recall", "f1", "accuracy", "loss"];
    private static readonly string[] ClassificationMetrics = ["accuracy", "f1", "loss"];
    private static readonly string[] Seq2SeqMetrics = ["loss", "exact_match", "f1"];

    /// <summary>All problems, empty when the options are usable.</summary>
    public static IReadOnlyList<string> Problems(TrainOptions o)
    {
        var problems = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) problems.Add(message);
        }

        Check(Enum.IsDefined(o.Task), $"task: unknown task '{o.Task}' (expected ner, pos, chunk, classification or seq2seq)");
        Check(!string.IsNullOrWhiteSpace(o.ModelPath), "model_name_or_path (--model) is required: the folder holding config.json and model.safetensors");
        Check(!string.IsNullOrWhiteSpace(o.DataPath), "data_path (--data) is required: the folder or file holding the training data");
        if (o.RunName is not null)
            Check(o.RunName.Length > 0 && o.RunName.IndexOfAny(['/', '\\']) < 0 && o.RunName is not "." and not "..",
                $"run_name: '{o.RunName}' must be a plain folder name (no path separators)");
        Check(o.Workers >= 1, $"workers: must be at least 1 (got {o.Workers})");
        Check(o.MaxSteps == -1 || o.MaxSteps > 0, $"max_steps: must be -1 (use num_train_epochs) or positive (got {o.MaxSteps})");
        Check(o.MaxSteps > 0 || o.NumTrainEpochs >= 1, $"num_train_epochs: must be at least 1 (got {o.NumTrainEpochs})");
        Check(o.PerDeviceTrainBatchSize >= 1, $"per_device_train_batch_size: must be at least 1 (got {o.PerDeviceTrainBatchSize})");
        Check(o.PerDeviceEvalBatchSize >= 1, $"per_device_eval_batch_size: must be at least 1 (got {o.PerDeviceEvalBatchSize})");
        if (o.LearningRate is { } lr)
            Check(double.IsFinite(lr) && lr > 0, $"learning_rate: must be positive (got {ConfigValueText.Format(lr)})");
        Check(double.IsFinite(o.WeightDecay) && o.WeightDecay >= 0, $"weight_decay: must be >= 0 (got {ConfigValueText.Format(o.WeightDecay)})");
        Check(o.AdamBeta1 is >= 0 and < 1, $"adam_beta1: must be in [0, 1) (got {ConfigValueText.Format(o.AdamBeta1)})");
        Check(o.AdamBeta2 is >= 0 and < 1, $"adam_beta2: must be in [0, 1) (got {ConfigValueText.Format(o.AdamBeta2)})");
        Check(double.IsFinite(o.AdamEpsilon) && o.AdamEpsilon > 0, $"adam_epsilon: must be positive (got {ConfigValueText.Format(o.AdamEpsilon)})");
        Check(o.DdpBucketCapMb >= 1, $"ddp_bucket_cap_mb: must be >= 1 (got {o.DdpBucketCapMb})");
        Check(double.IsFinite(o.MaxGradNorm) && o.MaxGradNorm >= 0, $"max_grad_norm: must be >= 0, 0 disables clipping (got {ConfigValueText.Format(o.MaxGradNorm)})");
        Check(o.WarmupSteps >= 0, $"warmup_steps: must be >= 0 (got {o.WarmupSteps})");
        Check(o.WarmupRatio is >= 0 and < 1, $"warmup_ratio: must be in [0, 1) (got {ConfigValueText.Format(o.WarmupRatio)})");
        Check(!(o.WarmupSteps > 0 && o.WarmupRatio > 0),
            $"warmup_steps ({o.WarmupSteps}) and warmup_ratio ({ConfigValueText.Format(o.WarmupRatio)}) conflict: set only one");
        Check(o.GradientAccumulationSteps >= 1, $"gradient_accumulation_steps: must be at least 1 (got {o.GradientAccumulationSteps})");
        Check(o.EvalSteps is null or >= 1, $"eval_steps: must be at least 1 or unset for every epoch (got {o.EvalSteps})");
        Check(o.SaveSteps is null or >= 1, $"save_steps: must be at least 1 or unset for every epoch (got {o.SaveSteps})");
        Check(o.SaveTotalLimit is null or >= 1, $"save_total_limit: must be at least 1 or unset to keep all (got {o.SaveTotalLimit})");

        var metrics = o.Task.IsTokenClassification() ? TokenMetrics : o.Task == TrainTask.Seq2Seq ? Seq2SeqMetrics : ClassificationMetrics;
        if (o.MetricForBestModel is not null && Enum.IsDefined(o.Task))
            Check(metrics.Contains(o.ResolvedMetricForBestModel()),
                $"metric_for_best_model: '{o.MetricForBestModel}' is not reported for task {o.Task.ToConfigName()} (expected one of {string.Join(", ", metrics)})");
        if (o.Task == TrainTask.Seq2Seq && o.ResolvedMetricForBestModel() is "exact_match" or "f1")
            Check(o.PredictWithGenerate, $"metric_for_best_model: {o.ResolvedMetricForBestModel()} is only reported with predict_with_generate (as Seq2SeqTrainer)");
        if (o.LoadBestModelAtEnd)
        {
            // Like Trainer: the best model can only be reloaded if a checkpoint exists at every evaluation.
            var aligned = (o.EvalSteps, o.SaveSteps) switch
            {
                (null, null) => true,
                ({ } e, { } s) => s % e == 0,
                _ => false,
            };
            Check(aligned, $"load_best_model_at_end needs checkpoints at evaluation points: save_steps ({ConfigValueText.Format(o.SaveSteps)}) must be a multiple of eval_steps ({ConfigValueText.Format(o.EvalSteps)}), or leave both unset");
        }

        Check(o.MaxLength >= 2, $"max_length: must be at least 2 to hold [CLS] and [SEP] (got {o.MaxLength})");
        Check(o.PadToMultipleOf is null or >= 1, $"pad_to_multiple_of: must be at least 1 or unset (got {o.PadToMultipleOf})");
        Check(o.LoggingSteps >= 1, $"logging_steps: must be at least 1 (got {o.LoggingSteps})");
        Check(o.MaxFailures >= 0, $"max_failures: must be >= 0 (got {o.MaxFailures})");
        Check(Enum.IsDefined(o.LogFormat), $"log_format: unknown format '{o.LogFormat}' (expected text or json)");
        Check(o.MetricsPort is null or (>= 0 and <= 65535), $"metrics_port: must be a TCP port from 0 to 65535, or unset (got {o.MetricsPort})");
        Check(o.MetricsHost == "localhost" || System.Net.IPAddress.TryParse(o.MetricsHost, out _),
            $"metrics_host: '{o.MetricsHost}' is not an IP address (expected e.g. 127.0.0.1, 0.0.0.0, :: or localhost)");
        foreach (var destination in o.PushTo)
            Check(IsPushDestination(destination), $"push_to: '{destination}' is not a destination (expected file:///path or git+<url>)");
        if (o.Task == TrainTask.Classification)
        {
            // Unset columns are found by their usual names (GLUE, MRPC, IMDB); a given one must name something.
            Check(o.TextColumn is null || !string.IsNullOrWhiteSpace(o.TextColumn), "text_column: must name the text field for classification, or be unset");
            Check(o.LabelColumn is null || !string.IsNullOrWhiteSpace(o.LabelColumn), "label_column: must name the label field for classification, or be unset");
        }

        if (o.Task == TrainTask.Seq2Seq)
        {
            Check(o.InputColumns.Count is 1 or 2 && o.InputColumns.All(c => !string.IsNullOrWhiteSpace(c)),
                $"input_columns: one column or a pair of columns (got [{string.Join(", ", o.InputColumns)}])");
            Check(!string.IsNullOrWhiteSpace(o.TargetColumn), "target_column: must name the target field");
            Check(o.MaxTargetLength >= 2, $"max_target_length: must be at least 2 to hold a token and </s> (got {o.MaxTargetLength})");
            Check(o.GenerationMaxLength is null or >= 2, $"generation_max_length: must be at least 2 (the start token and one generated token) (got {o.GenerationMaxLength})");
            Check(o.GenerationNumBeams is null or >= 1, $"generation_num_beams: must be at least 1 (got {o.GenerationNumBeams})");
        }

        return problems;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static TrainOptions Validate(TrainOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0) throw new OptionsValidationException(problems);
        return options;
    }

    private static bool IsPushDestination(string spec) =>
        (spec.StartsWith("file://", StringComparison.Ordinal) && spec.Length > "file://".Length)
        || (spec.StartsWith("git+", StringComparison.Ordinal) && spec.Length > "git+".Length);
}
