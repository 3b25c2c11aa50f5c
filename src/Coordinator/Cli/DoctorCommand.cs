using System.CommandLine;
using Orchestrator.Coordinator.Doctor;
using Spectre.Console;

namespace Orchestrator.Coordinator.Cli;

/// <summary>`orchestrator doctor [--json]`: libtorch, BLAS, thread and device facts plus a self-test; exit code 0 only when every check passes.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object" };
        var command = new Command("doctor", "Print libtorch, BLAS, thread and device facts and run a self-test");
        command.Options.Add(json);
        command.SetAction(parse => Run(parse.GetValue(json), Console.Out));
        return command;
    }

    /// <summary>Runs the default checks and writes the report to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(bool json, TextWriter output, IEnumerable<DoctorCheck>? checks = null)
    {
        var report = DoctorReport.Create(checks ?? DoctorChecks.Default());
        if (json)
            output.WriteLine(DoctorOutput.ToJson(report));
        else
            DoctorOutput.WriteTables(report, ConsoleFor(output));
        return report.Passed ? 0 : 1;
    }

    // The real console detects colour support itself; any other writer gets plain text.
    private static IAnsiConsole ConsoleFor(TextWriter output) => output == Console.Out
        ? AnsiConsole.Console
        : AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
}
