using System.CommandLine;
using Orchestrator.Coordinator.Cli;

// The `orchestrator` program. Each subcommand lives in Cli/<Name>Command.cs and builds its own
// System.CommandLine Command; this file only lists them.
// libtorch parallelises its kernels with OpenMP; OpenBLAS threads on top would fight them for the
// same cores (the thread trap that can make a step many times slower). OpenBLAS reads this once, when
// libtorch is first loaded, which happens after this line. A value the user set is kept.
if (Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") is null)
    Environment.SetEnvironmentVariable("OPENBLAS_NUM_THREADS", "1");

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
