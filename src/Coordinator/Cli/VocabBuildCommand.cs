using System.CommandLine;
using Orchestrator.Shared.Data;

namespace Orchestrator.Coordinator.Cli;

/// <summary>`orchestrator vocab build`: a WordPiece vocab.txt from data files.</summary>
public static class VocabBuildCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Data folders or files (CoNLL, JSONL, TSV, CSV)", Required = true, AllowMultipleArgumentsPerToken = true };
        var outputFile = new Option<string>("--output") { Description = "vocab.txt to write", Required = true };
        var size = new Option<int>("--size") { Description = "Maximum vocabulary size", DefaultValueFactory = _ => 8000 };
        var lowercase = new Option<bool>("--lowercase") { Description = "Lower-case and strip accents (uncased vocabulary)" };
        var build = new Command("build", "Build a WordPiece vocab.txt: specials, characters, frequent words and pieces");
        foreach (var option in new Option[] { data, outputFile, size, lowercase })
            build.Options.Add(option);
        build.SetAction(parse =>
        {
            try
            {
                var builder = new VocabularyBuilder(parse.GetValue(lowercase));
                foreach (var file in CorpusText.Files(parse.GetValue(data)!))
                    foreach (var text in CorpusText.Texts(file))
                        builder.AddText(text);
                var vocab = builder.Build(parse.GetValue(size));
                VocabularyBuilder.Save(vocab, parse.GetValue(outputFile)!);
                parse.InvocationConfiguration.Output.WriteLine($"{parse.GetValue(outputFile)}: {vocab.Count} tokens from {builder.DistinctWords} distinct words");
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or ArgumentException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return build;
    }
}
