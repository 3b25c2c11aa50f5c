using System.CommandLine;
using Orchestrator.Coordinator.Report;
using Orchestrator.Coordinator.Run;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// `orchestrator report RUN_DIR [--output FILE]`: writes report.html (default RUN_DIR/report.html) from the run's
/// trainer state and JSON-lines logs: loss and learning-rate curves, validation metrics per epoch, per-entity scores.
/// Works on a finished run and on one still training or interrupted. Exit codes: 0 written, 2 not a run folder.
/// </summary>
public static class ReportCommand
{
    private static readonly Argument<string> RunDirectoryArgument = new("RUN_DIR") { Description = "The run folder (holding run.json, checkpoints/, logs/)" };
    private static readonly Option<string?> OutputOption = new("--output") { Description = "Where to write the report (default RUN_DIR/report.html)", HelpName = "FILE" };

    public static Command Create()
    {
        var command = new Command("report", "Write an HTML report of a run: curves, evaluations, per-entity scores");
        command.Arguments.Add(RunDirectoryArgument);
        command.Options.Add(OutputOption);
        command.SetAction(parse => Run(parse.GetValue(RunDirectoryArgument)!, parse.GetValue(OutputOption), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string runDirectory, string? output, TextWriter stdout, TextWriter stderr)
    {
        RunHistory history;
        try
        {
            history = RunHistoryReader.Read(runDirectory);
        }
        catch (RunReportException error)
        {
            stderr.WriteLine($"error: {error.Message}");
            return RunHost.BadInput;
        }
        foreach (var line in history.SkippedLogLines)
            stderr.WriteLine($"warning: {line}: not a JSON log event (a process stopped mid-write?); skipped");
        var path = RunReport.Write(history, output);
        stdout.WriteLine($"Wrote {path} ({history.Steps.Count} logged steps, {history.Evaluations.Count} evaluations, {history.Entities.Count} entity types)");
        return RunHost.Succeeded;
    }
}
