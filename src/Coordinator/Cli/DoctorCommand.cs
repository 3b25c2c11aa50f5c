using System.CommandLine;

namespace Orchestrator.Coordinator.Cli;

/// <summary>`orchestrator doctor`: environment report and self-test (filled in by the tensor engine work).</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("doctor", "Print libtorch, BLAS, thread and device facts and run a self-test");
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            Console.WriteLine("doctor: not yet implemented");
            return 1;
        });
        return command;
    }
}
