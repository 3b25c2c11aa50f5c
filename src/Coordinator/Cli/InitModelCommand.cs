using System.CommandLine;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Cli;

/// <summary>`orchestrator init-model`: a randomly initialised BERT/DistilBERT checkpoint folder, no download needed.</summary>
public static class InitModelCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = "bert or distilbert", DefaultValueFactory = _ => "bert" };
        arch.AcceptOnlyFromAmong("bert", "distilbert");
        var size = new Option<string>("--size") { Description = "tiny (2x128), mini (4x256), small (4x512) or base (12x768)", DefaultValueFactory = _ => "tiny" };
        size.AcceptOnlyFromAmong([.. ModelSizes.All.Keys]);
        var labels = new Option<string?>("--labels") { Description = "Comma-separated label names, in id order" };
        var labelsFile = new Option<FileInfo?>("--labels-file") { Description = "A file with one label name per line, in id order" };
        var vocab = new Option<FileInfo>("--vocab") { Description = "WordPiece vocabulary (vocab.txt)", Required = true };
        var task = new Option<string>("--task") { Description = "token or sequence classification", DefaultValueFactory = _ => "token" };
        task.AcceptOnlyFromAmong("token", "sequence");
        var lowercase = new Option<bool>("--lowercase") { Description = "The tokenizer lower-cases (do_lower_case)" };
        var output = new Option<DirectoryInfo>("--output") { Description = "The folder to create", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed of the random initialisation", DefaultValueFactory = _ => 42 };

        var command = new Command("init-model", "Create a randomly initialised model folder (config.json, model.safetensors, tokenizer files)");
        foreach (var option in new Option[] { arch, size, labels, labelsFile, vocab, task, lowercase, output, seed })
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            var hasLabels = result.GetResult(labels) is not null;
            var hasFile = result.GetResult(labelsFile) is not null;
            if (hasLabels == hasFile) result.AddError("give the labels with exactly one of --labels or --labels-file");
        });
        command.SetAction(parse =>
        {
            try
            {
                var names = parse.GetValue(labelsFile) is { } file
                    ? RandomCheckpoint.ReadLabels(file.FullName)
                    : parse.GetValue(labels)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
                var request = new RandomCheckpointRequest(
                    parse.GetValue(arch)!, parse.GetValue(size)!,
                    parse.GetValue(task) == "sequence" ? ModelTask.SequenceClassification : ModelTask.TokenClassification,
                    names, parse.GetValue(vocab)!.FullName, parse.GetValue(lowercase), parse.GetValue(output)!.FullName, parse.GetValue(seed));
                using var model = RandomCheckpoint.Create(request);
                var parameters = model.Module.parameters().Sum(p => p.numel());
                Console.WriteLine($"Wrote {model.Architecture} ({request.Size}, {parameters:N0} parameters, {names.Count} labels) to {request.Output}");
                return 0;
            }
            catch (Exception e) when (e is ModelConfigException or InvalidDataException or IOException or ArgumentException)
            {
                Console.Error.WriteLine($"init-model: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
