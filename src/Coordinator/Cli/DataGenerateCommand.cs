using System.CommandLine;
using Orchestrator.Shared.Data.Synthetic;

namespace Orchestrator.Coordinator.Cli;

/// <summary>`orchestrator data generate`: writes the bundled synthetic data (the committed data/ folder).</summary>
public static class DataGenerateCommand
{
    public static Command Create()
    {
        var outputDir = new Option<string>("--output") { Description = "Folder to write ner/, paraphrase/, sentiment/, qa/ and vocab.txt into", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Generator seed", DefaultValueFactory = _ => DefaultDataGenerator.DefaultSeed };
        var command = new Command("generate", "Write the synthetic default data (NER, paraphrase, sentiment, question answering) and the BERT tasks' vocabulary");
        command.Options.Add(outputDir);
        command.Options.Add(seed);
        command.SetAction(parse =>
        {
            var files = DefaultDataGenerator.Write(parse.GetValue(outputDir)!, parse.GetValue(seed));
            foreach (var file in files)
                parse.InvocationConfiguration.Output.WriteLine(file);
            return 0;
        });
        return command;
    }
}
