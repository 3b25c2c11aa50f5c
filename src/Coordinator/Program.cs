using System.CommandLine;
using Orchestrator.Coordinator.Cli;

// The `orchestrator` program. Each subcommand lives in Cli/<Name>Command.cs and builds its own
// System.CommandLine Command; this file only lists them.
// Threads: each worker sets its own on the thread that computes (Orchestrator.Torch.ComputeThreads).

var root = new RootCommand("Orchestrator: fine-tune BERT-family encoders across local or cluster workers.");
foreach (var command in CliCommands.All())
    root.Subcommands.Add(command);

// A command line that does not parse is bad input like any other: exit code 2 (as argparse does).
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run with --help to see the commands and their options.");
    return 2;
}
return await parse.InvokeAsync();
