using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Coordinator.ConsoleView;

/// <summary>
/// The per-epoch evaluation table: for token tasks one row per entity type plus an overall row (micro averages,
/// total support) with the remaining metrics (accuracy, loss) underneath; for classification a metric/value table.
/// </summary>
public static class EvaluationTable
{
    private static readonly string[] Averaged = ["precision", "recall", "f1"];

    public static IRenderable Build(EvaluationReport report)
    {
        var title = report switch
        {
            { Epoch: { } e, Step: { } s } => $"Evaluation: epoch {e}, step {s}",
            { Epoch: { } e } => $"Evaluation: epoch {e}",
            { Step: { } s } => $"Evaluation: step {s}",
            _ => "Evaluation",
        };

        if (report.PerType.Count == 0)
        {
            var metrics = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
            metrics.AddColumn("Metric");
            metrics.AddColumn(new TableColumn("Value").RightAligned());
            foreach (var (name, value) in report.OrderedOverall())
                metrics.AddRow(Markup.Escape(name), Number(value));
            return metrics;
        }

        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
        table.AddColumn("Type");
        foreach (var column in new[] { "Precision", "Recall", "F1", "Support" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var row in report.PerType.OrderBy(t => t.Type, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(row.Type), Number(row.Precision), Number(row.Recall), Number(row.F1),
                row.Support.ToString(CultureInfo.InvariantCulture));
        table.AddEmptyRow();
        table.AddRow("[bold]overall[/]",
            Metric(report, "precision"), Metric(report, "recall"), Metric(report, "f1"),
            report.PerType.Sum(t => t.Support).ToString(CultureInfo.InvariantCulture));

        var others = report.OrderedOverall().Where(kv => !Averaged.Contains(kv.Key)).ToArray();
        if (others.Length > 0)
            table.Caption = new TableTitle(string.Join("   ", others.Select(kv => $"{Markup.Escape(kv.Key)} {Number(kv.Value)}")));
        return table;
    }

    public static void Render(IAnsiConsole console, EvaluationReport report) => console.Write(Build(report));

    /// <summary>The table as plain text (no colour, no escape codes), e.g. for a log file or a test.</summary>
    public static string RenderToText(EvaluationReport report, int width = 100)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        Render(console, report);
        return writer.ToString();
    }

    private static string Metric(EvaluationReport report, string name) =>
        report.Overall.TryGetValue(name, out var value) ? Number(value) : "-";

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
