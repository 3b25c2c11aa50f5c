using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Shared.IO;

namespace Orchestrator.Coordinator.Report;

/// <summary>
/// report.html of a run: one self-contained file (the charts are embedded as base64 PNG, the styles inline) with a
/// summary, the curves, the evaluation history, the per-entity scores and the run's options.
/// </summary>
public static class RunReport
{
    public const string FileName = "report.html";

    /// <summary>Writes the report atomically (a temporary file renamed into place) and returns its path.</summary>
    public static string Write(RunHistory history, string? outputPath = null)
    {
        var path = Path.GetFullPath(outputPath ?? Path.Combine(history.RunDirectory, FileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, Render(history));
        return path;
    }

    public static string Render(RunHistory history)
    {
        var html = new StringBuilder();
        var name = Encode(history.RunName);
        html.Append($$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Run report: {{name}}</title>
            <style>
              body { margin: 0 auto; max-width: 1000px; padding: 24px; font: 14px/1.5 system-ui, "DejaVu Sans", sans-serif; color: #1d2330; }
              h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
              .muted { color: #5f6b7a; }
              table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
              th, td { padding: 4px 12px; border-bottom: 1px solid #d9dee5; text-align: right; }
              th:first-child, td:first-child { text-align: left; }
              img { max-width: 100%; height: auto; border: 1px solid #d9dee5; border-radius: 6px; }
            </style>
            </head>
            <body>
            <h1>Run report: {{name}}</h1>
            <p class="muted">Run {{Encode(history.Manifest.RunId)}}, folder {{Encode(Path.GetFullPath(history.RunDirectory))}}; generated {{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm}} UTC by <code>orchestrator report</code>.</p>

            """);

        AppendSummary(html, history);

        html.AppendLine("<h2>Training curves</h2>");
        if (history.Steps.Count > 0 || history.Evaluations.Any(e => e.Metrics.ContainsKey("loss")))
            AppendImage(html, "loss-and-learning-rate", "Training loss and learning rate against step", TrainingCharts.LossAndLearningRate(history.Steps, history.Evaluations));
        if (history.Evaluations.Any(e => e.Metrics.Keys.Any(k => k != "loss")))
            AppendImage(html, "evaluation-metrics", "Validation metrics against epoch", TrainingCharts.EvaluationMetrics(history.Evaluations));
        if (history.Steps.Count(s => s.SamplesPerSecond is not null) > 1)
            AppendImage(html, "throughput", "Training throughput against step", TrainingCharts.Throughput(history.Steps));

        AppendEvaluations(html, history);
        AppendEntities(html, history);
        AppendOptions(html, history);
        html.AppendLine("</body>\n</html>");
        return html.ToString();
    }

    private static void AppendSummary(StringBuilder html, RunHistory history)
    {
        var options = history.Manifest.Options;
        var rows = new List<(string, string)>
        {
            ("Status", history.Finished ? "finished (final model in model/)" : "not finished (no final model yet)"),
            ("Task", Text(options["task"])),
            ("Model", Text(options["model_name_or_path"])),
            ("Data", Text(options["data_path"])),
            ("Workers", Text(options["workers"])),
            ("Steps", history.TotalSteps is { } total ? $"{history.LastStep} of {total}" : history.LastStep.ToString(CultureInfo.InvariantCulture)),
            ("Epochs", history.State is { } s ? Number(s.Epoch, "0.##") : history.Steps.Count > 0 ? Number(history.Steps[^1].Epoch, "0.##") : "-"),
        };
        if (history.FirstEvent is { } first && history.LastEvent is { } last)
            rows.Add(("Logged from", $"{first.UtcDateTime:yyyy-MM-dd HH:mm:ss} to {last.UtcDateTime:HH:mm:ss} UTC ({Duration(last - first)})"));
        if (history.Evaluations.Count > 0)
        {
            var final = history.Evaluations[^1];
            rows.Add(("Last evaluation", string.Join(", ", final.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {Number(m.Value, "0.0000")}"))
                + $" (epoch {Number(final.Epoch, "0.##")}, step {final.Step})"));
        }
        if (history.State?.BestModelCheckpoint is { } best)
            rows.Add(("Best checkpoint", $"{best} ({Text(options["metric_for_best_model"])} {Number(history.State.BestMetric ?? double.NaN, "0.0000")})"));
        if (history.StateCheckpoint is { } checkpoint) rows.Add(("Trainer state from", checkpoint));

        html.AppendLine("<h2>Summary</h2>\n<table id=\"summary\">");
        foreach (var (key, value) in rows) html.AppendLine($"<tr><th>{Encode(key)}</th><td>{Encode(value)}</td></tr>");
        html.AppendLine("</table>");
    }

    private static void AppendImage(StringBuilder html, string id, string alt, byte[] png) =>
        html.AppendLine($"<figure><img id=\"{id}\" alt=\"{Encode(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"></figure>");

    private static void AppendEvaluations(StringBuilder html, RunHistory history)
    {
        if (history.Evaluations.Count == 0) return;
        var names = history.Evaluations.SelectMany(e => e.Metrics.Keys).Distinct()
            .OrderBy(k => k == "loss" ? 0 : 1).ThenBy(k => k, StringComparer.Ordinal).ToList();
        html.AppendLine("<h2>Evaluations</h2>\n<table id=\"evaluations\">");
        html.AppendLine("<tr><th>Epoch</th><th>Step</th>" + string.Concat(names.Select(n => $"<th>{Encode(n == "loss" ? "validation loss" : n)}</th>")) + "</tr>");
        foreach (var e in history.Evaluations)
            html.AppendLine($"<tr><td>{Number(e.Epoch, "0.##")}</td><td>{e.Step}</td>"
                + string.Concat(names.Select(n => $"<td>{(e.Metrics.TryGetValue(n, out var v) ? Number(v, "0.0000") : "-")}</td>")) + "</tr>");
        html.AppendLine("</table>");
    }

    private static void AppendEntities(StringBuilder html, RunHistory history)
    {
        if (history.Entities.Count == 0) return;
        html.AppendLine($"<h2>Per entity type</h2>\n<p class=\"muted\">From the evaluation at step {history.EntitiesStep} (seqeval).</p>");
        html.AppendLine("<table id=\"per-entity\">\n<tr><th>Type</th><th>Precision</th><th>Recall</th><th>F1</th><th>Support</th></tr>");
        foreach (var row in history.Entities.OrderBy(r => r.Type, StringComparer.Ordinal))
            html.AppendLine($"<tr><td>{Encode(row.Type)}</td><td>{Number(row.Precision, "0.0000")}</td><td>{Number(row.Recall, "0.0000")}</td>"
                + $"<td>{Number(row.F1, "0.0000")}</td><td>{row.Support}</td></tr>");
        html.AppendLine("</table>");
    }

    private static void AppendOptions(StringBuilder html, RunHistory history)
    {
        html.AppendLine("<h2>Options</h2>\n<details><summary>run.json options</summary>\n<table id=\"options\">");
        foreach (var (key, value) in history.Manifest.Options)
            html.AppendLine($"<tr><td><code>{Encode(key)}</code></td><td>{Encode(Text(value))}</td></tr>");
        html.AppendLine("</table>\n</details>");
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "-",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds} s" : $"{span.TotalSeconds:0.0} s";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
