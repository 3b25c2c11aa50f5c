using System.CommandLine;

namespace Orchestrator.Coordinator.Cli;

/// <summary>`orchestrator vocab ...`: vocabulary tools.</summary>
public static class VocabCommand
{
    public static Command Create()
    {
        var command = new Command("vocab", "Vocabulary tools");
        command.Subcommands.Add(VocabBuildCommand.Create());
        return command;
    }
}
