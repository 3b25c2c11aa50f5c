using System.CommandLine;
using Orchestrator.Shared.Text;

namespace Orchestrator.Coordinator.Cli;

/// <summary>`orchestrator data ...`: look at and generate training data.</summary>
public static class DataCommand
{
    public static Command Create(Func<string, ITokenizer>? tokenizerFactory = null)
    {
        var command = new Command("data", "Inspect data folders and generate the bundled default data");
        command.Subcommands.Add(DataInspectCommand.Create(tokenizerFactory ?? TokenizerLoader.Load));
        command.Subcommands.Add(DataGenerateCommand.Create());
        return command;
    }
}
