using Orchestrator.Coordinator.ConsoleView;
using Orchestrator.Shared.Config;
using Serilog.Core;
using Serilog.Events;
using Spectre.Console;

namespace Orchestrator.Coordinator.Tests.ConsoleView;

public class ConsoleViewTests
{
    private static (IAnsiConsole Console, StringWriter Writer) PlainConsole(bool interactive = false, bool ansi = false)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = 120;
        return (console, writer);
    }

    private static readonly EvaluationReport Ner = new(
        new Dictionary<string, double> { ["f1"] = 0.9412, ["accuracy"] = 0.98651, ["precision"] = 0.93, ["recall"] = 0.95, ["loss"] = 0.0612 },
        [new TypeScores("PER", 0.97, 0.98, 0.975, 1842), new TypeScores("LOC", 0.95, 0.96, 0.955, 1837), new TypeScores("MISC", 0.82, 0.85, 0.835, 922)])
    {
        Epoch = 3,
        Step = 5268,
    };

    private static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

    private static string[] Cells(string line) =>
        line.Split('│', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).Where(c => c.Length > 0).ToArray();

    [Fact]
    public void Token_table_has_a_row_per_type_an_overall_row_and_the_other_metrics()
    {
        var text = EvaluationTable.RenderToText(Ner);
        var lines = Lines(text);
        Assert.Contains("Evaluation: epoch 3, step 5268", lines[0]);
        var rows = lines.Select(Cells).Where(c => c.Length == 5).ToArray();
        Assert.Equal(["Type", "Precision", "Recall", "F1", "Support"], rows[0]);
        Assert.Equal(["LOC", "0.9500", "0.9600", "0.9550", "1837"], rows[1]);
        Assert.Equal(["MISC", "0.8200", "0.8500", "0.8350", "922"], rows[2]);
        Assert.Equal(["PER", "0.9700", "0.9800", "0.9750", "1842"], rows[3]);
        Assert.Equal(["overall", "0.9300", "0.9500", "0.9412", "4601"], rows[4]);
        Assert.Equal("loss 0.0612   accuracy 0.9865", lines[^1].Trim());
        Assert.DoesNotContain("\u001b[", text);
    }

    [Fact]
    public void Classification_table_lists_metrics()
    {
        var report = new EvaluationReport(new Dictionary<string, double> { ["f1"] = 0.9, ["accuracy"] = 0.858, ["zeta"] = 1, ["loss"] = 0.4 }, []) { Epoch = 1 };
        var rows = Lines(EvaluationTable.RenderToText(report)).Select(Cells).Where(c => c.Length == 2).ToArray();
        Assert.Equal([["Metric", "Value"], ["loss", "0.4000"], ["f1", "0.9000"], ["accuracy", "0.8580"], ["zeta", "1.0000"]], rows);
    }

    [Fact]
    public void Progress_line_shows_position_loss_rate_and_throughput()
    {
        var line = new TrainingProgress(2, 3, 1200, 5268, 0.123456, 1.7312e-5, 312.44).Describe();
        Assert.Equal("epoch 2/3 | step 1200/5268 | loss 0.1235 | lr 1.73e-05 | 312.4 samples/s", line);
    }

    [Theory]
    [InlineData(LogFormat.Text, true, true, false, true)]
    [InlineData(LogFormat.Json, true, true, false, false)]
    [InlineData(LogFormat.Text, true, true, true, false)]
    [InlineData(LogFormat.Text, false, true, false, false)]
    [InlineData(LogFormat.Text, true, false, false, false)]
    public void Display_only_for_text_on_an_interactive_ansi_terminal(LogFormat format, bool interactive, bool ansi, bool redirected, bool expected)
    {
        var (console, _) = PlainConsole(interactive, ansi);
        Assert.Equal(expected, TrainingProgressView.ShouldDisplay(format, console, redirected));
    }

    [Fact]
    public async Task A_disabled_view_remembers_reports_and_draws_nothing()
    {
        var (console, writer) = PlainConsole();
        await using (var view = new TrainingProgressView(console, totalEpochs: 3, enabled: false))
        {
            view.Report(1, 10, 100, 0.5, 2e-5, 100);
            view.Report(1, 20, 100, 0.4, 1.9e-5, 110);
            view.EndEpoch(1);
            Assert.Equal(20, view.Latest!.Step);
            Assert.Equal([1], view.CompletedEpochs);
        }

        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public async Task An_enabled_view_draws_the_latest_report_and_epoch_tables_and_restores_the_log_level()
    {
        var (console, writer) = PlainConsole(interactive: true, ansi: true);
        var level = new LoggingLevelSwitch(LogEventLevel.Information);
        var view = new TrainingProgressView(console, totalEpochs: 1, enabled: true, level);
        Assert.Equal(LogEventLevel.Warning, level.MinimumLevel);
        view.Report(1, 5, 10, 0.5, 2e-5, 100);
        view.Report(1, 10, 10, 0.25, 0, 120);
        view.EndEpoch(1, Ner);
        await view.DisposeAsync();

        var text = writer.ToString();
        Assert.Contains("epoch 1/1 | step 10/10 | loss 0.2500 | lr 0.00e+00 | 120.0 samples/s", text);
        Assert.Contains("epoch 1/1 done", text);
        Assert.Contains("overall", text);
        Assert.Equal(LogEventLevel.Information, level.MinimumLevel);
    }
}
