using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Push;

/// <summary>
/// The README.md of a pushed model, shaped like the card Hugging Face Trainer generates: YAML front matter
/// (library_name, tags, datasets, metrics, base_model), the final evaluation, per-type scores, hyperparameters,
/// the per-evaluation results table, the training curves (an image, see <see cref="ModelCardFiles"/>) and the training-loss table.
/// </summary>
public static partial class ModelCard
{
    private static readonly string[] MetricOrder = ["precision", "recall", "f1", "accuracy"];

    public static string Generate(ModelCardInput input)
    {
        var o = input.Options;
        var card = new StringBuilder();
        var metricNames = MetricNames(input);

        card.AppendLine("---");
        card.AppendLine("library_name: orchestrator");
        if (input.BaseModel is not null && IsHubId(input.BaseModel)) card.AppendLine($"base_model: {Yaml(input.BaseModel)}");
        card.AppendLine("tags:");
        card.AppendLine("- generated_from_trainer");
        card.AppendLine($"- {PipelineTag(o.Task)}");
        card.AppendLine($"- {o.Task.ToConfigName()}");
        if (input.DatasetName is not null)
        {
            card.AppendLine("datasets:");
            card.AppendLine($"- {Yaml(input.DatasetName)}");
        }

        if (metricNames.Count > 0)
        {
            card.AppendLine("metrics:");
            foreach (var metric in metricNames) card.AppendLine($"- {metric}");
        }

        card.AppendLine("model-index:");
        card.AppendLine($"- name: {Yaml(input.ModelName)}");
        card.AppendLine("  results: []");
        card.AppendLine("---");
        card.AppendLine();

        card.AppendLine($"# {input.ModelName}");
        card.AppendLine();
        var baseText = input.BaseModel switch
        {
            null => "a pretrained encoder",
            var b when IsHubId(b) => $"[{b}](https://huggingface.co/{b})",
            var b => $"`{Path.GetFileName(Path.TrimEndingDirectorySeparator(b))}`",
        };
        var dataText = input.DatasetName is null ? "a custom dataset" : $"the {input.DatasetName} dataset";
        card.AppendLine($"This model is a fine-tuned version of {baseText} on {dataText} for {TaskDescription(o.Task)}.");

        var final = input.Evaluations.Count > 0 ? input.Evaluations[^1] : null;
        if (final is not null)
        {
            card.AppendLine("It achieves the following results on the evaluation set:");
            if (final.Metrics.TryGetValue("loss", out var loss)) card.AppendLine($"- Loss: {Number(loss)}");
            foreach (var metric in metricNames.Where(final.Metrics.ContainsKey))
                card.AppendLine($"- {Title(metric)}: {Number(final.Metrics[metric])}");
        }

        card.AppendLine();
        if (input.FinalPerType.Count > 0)
        {
            card.AppendLine("## Scores per entity type");
            card.AppendLine();
            card.AppendLine("| Type | Precision | Recall | F1 | Support |");
            card.AppendLine("|:-----|----------:|-------:|---:|--------:|");
            foreach (var row in input.FinalPerType.OrderBy(t => t.Type, StringComparer.Ordinal))
                card.AppendLine($"| {Cell(row.Type)} | {Number(row.Precision)} | {Number(row.Recall)} | {Number(row.F1)} | {row.Support.ToString(CultureInfo.InvariantCulture)} |");
            card.AppendLine();
        }

        card.AppendLine("## Training procedure");
        card.AppendLine();
        card.AppendLine("### Training hyperparameters");
        card.AppendLine();
        card.AppendLine("The following hyperparameters were used during training:");
        foreach (var (name, value) in Hyperparameters(input)) card.AppendLine($"- {name}: {value}");
        card.AppendLine();

        if (input.Evaluations.Count > 0)
        {
            card.AppendLine("### Training results");
            card.AppendLine();
            var hasValidationLoss = input.Evaluations.Any(e => e.Metrics.ContainsKey("loss"));
            var headers = new List<string> { "Training Loss", "Epoch", "Step" };
            if (hasValidationLoss) headers.Add("Validation Loss");
            headers.AddRange(metricNames.Select(Title));
            card.AppendLine("| " + string.Join(" | ", headers) + " |");
            card.AppendLine("|" + string.Concat(headers.Select(h => ":" + new string('-', Math.Max(1, h.Length)) + ":|")));
            foreach (var e in input.Evaluations)
            {
                var cells = new List<string>
                {
                    e.TrainingLoss is { } t ? Number(t) : "No log",
                    e.Epoch.ToString("0.0###", CultureInfo.InvariantCulture),
                    e.Step.ToString(CultureInfo.InvariantCulture),
                };
                if (hasValidationLoss) cells.Add(e.Metrics.TryGetValue("loss", out var v) ? Number(v) : "-");
                cells.AddRange(metricNames.Select(m => e.Metrics.TryGetValue(m, out var x) ? Number(x) : "-"));
                card.AppendLine("| " + string.Join(" | ", cells) + " |");
            }

            card.AppendLine();
        }

        if (HasCurves(input))
        {
            card.AppendLine("### Training curves");
            card.AppendLine();
            card.AppendLine($"![Training loss against step and validation metrics against epoch]({ModelCardFiles.CurvesFileName})");
            card.AppendLine();
        }

        if (input.TrainingLoss.Count > 0)
        {
            card.AppendLine("### Training loss");
            card.AppendLine();
            card.AppendLine("| Step | Epoch | Training Loss |");
            card.AppendLine("|-----:|------:|--------------:|");
            foreach (var point in input.TrainingLoss)
                card.AppendLine($"| {point.Step.ToString(CultureInfo.InvariantCulture)} | {point.Epoch.ToString("0.00", CultureInfo.InvariantCulture)} | {Number(point.Loss)} |");
            card.AppendLine();
        }

        card.AppendLine("### Framework versions");
        card.AppendLine();
        var version = typeof(ModelCard).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        card.AppendLine($"- Orchestrator {version.Split('+')[0]}");
        card.AppendLine($"- {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        return card.ToString();
    }

    /// <summary>Whether the card shows training_curves.png (<see cref="ModelCardFiles"/> writes it): some loss or evaluation was logged.</summary>
    public static bool HasCurves(ModelCardInput input) => input.TrainingLoss.Count > 0 || input.Evaluations.Count > 0;

    private static IEnumerable<(string Name, string Value)> Hyperparameters(ModelCardInput input)
    {
        var o = input.Options;
        var world = input.WorldSize ?? o.Workers;
        yield return ("learning_rate", ConfigValueText.FormatDouble(o.ResolvedLearningRate()));
        yield return ("train_batch_size", Int(o.PerDeviceTrainBatchSize));
        yield return ("eval_batch_size", Int(o.PerDeviceEvalBatchSize));
        yield return ("seed", Int(o.Seed));
        if (world > 1)
        {
            yield return ("distributed_type", "multi-process (gloo)");
            yield return ("num_devices", Int(world));
        }

        if (o.GradientAccumulationSteps > 1) yield return ("gradient_accumulation_steps", Int(o.GradientAccumulationSteps));
        if (world > 1 || o.GradientAccumulationSteps > 1)
            yield return ("total_train_batch_size", Int(o.PerDeviceTrainBatchSize * world * o.GradientAccumulationSteps));
        if (world > 1) yield return ("total_eval_batch_size", Int(o.PerDeviceEvalBatchSize * world));
        yield return ("optimizer", string.Create(CultureInfo.InvariantCulture,
            $"AdamW with betas=({ConfigValueText.FormatDouble(o.AdamBeta1)},{ConfigValueText.FormatDouble(o.AdamBeta2)}) and epsilon={ConfigValueText.FormatDouble(o.AdamEpsilon)}, weight_decay={ConfigValueText.FormatDouble(o.WeightDecay)}"));
        yield return ("lr_scheduler_type", "linear");
        if (o.WarmupSteps > 0) yield return ("lr_scheduler_warmup_steps", Int(o.WarmupSteps));
        if (o.WarmupRatio > 0) yield return ("lr_scheduler_warmup_ratio", ConfigValueText.FormatDouble(o.WarmupRatio));
        if (o.MaxSteps > 0) yield return ("training_steps", Int(o.MaxSteps));
        else yield return ("num_epochs", Int(o.NumTrainEpochs));
        if (input.TotalSteps is { } total && o.MaxSteps <= 0) yield return ("training_steps", Int(total));
        yield return ("max_grad_norm", ConfigValueText.FormatDouble(o.MaxGradNorm));
        yield return ("max_length", Int(o.MaxLength));
        if (o.Task == TrainTask.Seq2Seq)
        {
            yield return ("max_target_length", Int(o.MaxTargetLength));
            if (o.PredictWithGenerate) yield return ("predict_with_generate", "true");
        }
        if (o.Task.IsTokenClassification())
        {
            yield return ("label_all_tokens", o.LabelFirstSubtokenOnly ? "false" : "true");
            yield return ("seqeval_mode", o.Strict ? "strict IOB2" : "default");
        }
    }

    private static List<string> MetricNames(ModelCardInput input) =>
        input.Evaluations.SelectMany(e => e.Metrics.Keys).Where(k => k != "loss").Distinct()
            .OrderBy(k => Array.IndexOf(MetricOrder, k) is var i && i >= 0 ? i : MetricOrder.Length)
            .ThenBy(k => k, StringComparer.Ordinal)
            .ToList();

    /// <summary>The Hub's pipeline tag for the task.</summary>
    private static string PipelineTag(TrainTask task) =>
        task.IsTokenClassification() ? "token-classification" : task == TrainTask.Seq2Seq ? "text2text-generation" : "text-classification";

    private static string TaskDescription(TrainTask task) => task switch
    {
        TrainTask.Ner => "named-entity recognition",
        TrainTask.Pos => "part-of-speech tagging",
        TrainTask.Chunk => "chunking",
        TrainTask.Seq2Seq => "sequence to sequence (question answering)",
        _ => "sequence classification",
    };

    private static bool IsHubId(string model) => HubId().IsMatch(model) && !Directory.Exists(model);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex HubId();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex PlainYaml();

    /// <summary>A YAML scalar: plain when safe, otherwise double-quoted (a JSON string is a valid YAML one).</summary>
    private static string Yaml(string value) =>
        PlainYaml().IsMatch(value) && value is not ("true" or "false" or "null" or "yes" or "no")
            ? value
            : System.Text.Json.JsonSerializer.Serialize(value);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Title(string metric) => metric.Length == 0 ? metric : metric == "f1" ? "F1" : char.ToUpperInvariant(metric[0]) + metric[1..];

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
