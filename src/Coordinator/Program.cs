using System.CommandLine;
using Orchestrator.Coordinator.Cli;

// The `orchestrator` program. Each subcommand lives in Cli/<Name>Command.cs and builds its own
// System.CommandLine Command; this file only lists them.
var root = new RootCommand("Orchestrator: fine-tune BERT-family encoders across local or cluster workers.");
foreach (var command in CliCommands.All())
    root.Subcommands.Add(command);

return await root.Parse(args).InvokeAsync();
