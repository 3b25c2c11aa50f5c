using System.CommandLine;

namespace Orchestrator.Coordinator.Cli;

/// <summary>The list of the program's subcommands, in the order `--help` shows them.</summary>
public static class CliCommands
{
    public static IEnumerable<Command> All()
    {
        yield return DoctorCommand.Create();
        yield return InitModelCommand.Create();
    }
}
