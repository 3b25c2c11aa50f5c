using System.CommandLine;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Models.T5;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// `orchestrator init-model`: a randomly initialised checkpoint folder, no download needed. BERT/DistilBERT
/// classifiers need a WordPiece vocabulary and labels; T5 (sequence to sequence) needs a vocabulary size and
/// optionally a tokenizer folder to copy.
/// </summary>
public static class InitModelCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = "bert, distilbert or t5", DefaultValueFactory = _ => "bert" };
        arch.AcceptOnlyFromAmong("bert", "distilbert", "t5");
        var size = new Option<string>("--size") { Description = "tiny, mini, small or base (t5 small is t5-small's shape)", DefaultValueFactory = _ => "tiny" };
        size.AcceptOnlyFromAmong([.. ModelSizes.All.Keys]);
        var labels = new Option<string?>("--labels") { Description = "Comma-separated label names, in id order (bert, distilbert)" };
        var labelsFile = new Option<FileInfo?>("--labels-file") { Description = "A file with one label name per line, in id order (bert, distilbert)" };
        var vocab = new Option<FileInfo?>("--vocab") { Description = "WordPiece vocabulary, vocab.txt (bert, distilbert)" };
        var task = new Option<string>("--task") { Description = "token or sequence classification (bert, distilbert)", DefaultValueFactory = _ => "token" };
        task.AcceptOnlyFromAmong("token", "sequence");
        var lowercase = new Option<bool>("--lowercase") { Description = "The tokenizer lower-cases, do_lower_case (bert, distilbert)" };
        var variant = new Option<string>("--variant") { Description = "t5: v1.0 (ReLU, tied lm_head) or v1.1 (gated-GELU, untied lm_head, as flan-t5)", DefaultValueFactory = _ => "v1.0" };
        variant.AcceptOnlyFromAmong([.. T5RandomCheckpoint.Variants]);
        var vocabSize = new Option<int?>("--vocab-size") { Description = "t5: embedding rows (default: the tokenizer's id count, else 32128)" };
        var tokenizer = new Option<DirectoryInfo?>("--tokenizer") { Description = "t5: a tokenizer folder whose files (spiece.model, tokenizer.json, ...) are copied" };
        var output = new Option<DirectoryInfo>("--output") { Description = "The folder to create", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed of the random initialisation", DefaultValueFactory = _ => 42 };

        var command = new Command("init-model", "Create a randomly initialised model folder (config.json, model.safetensors, tokenizer files)");
        foreach (var option in new Option[] { arch, size, labels, labelsFile, vocab, task, lowercase, variant, vocabSize, tokenizer, output, seed })
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            var isT5 = result.GetValue(arch) == "t5";
            var hasLabels = result.GetResult(labels) is not null;
            var hasFile = result.GetResult(labelsFile) is not null;
            if (isT5)
            {
                foreach (var classifierOnly in new Option[] { labels, labelsFile, vocab, task, lowercase })
                    if (result.GetResult(classifierOnly) is { Implicit: false })
                        result.AddError($"{classifierOnly.Name} is for bert and distilbert; t5 takes --vocab-size and --tokenizer");
                return;
            }
            if (hasLabels == hasFile) result.AddError("give the labels with exactly one of --labels or --labels-file");
            if (result.GetResult(vocab) is null) result.AddError("--vocab is required for bert and distilbert");
            foreach (var t5Only in new Option[] { variant, vocabSize, tokenizer })
                if (result.GetResult(t5Only) is { Implicit: false })
                    result.AddError($"{t5Only.Name} is for t5");
        });
        command.SetAction(parse =>
        {
            try
            {
                return parse.GetValue(arch) == "t5" ? CreateT5(parse) : CreateClassifier(parse);
            }
            catch (Exception e) when (e is ModelConfigException or InvalidDataException or IOException or ArgumentException)
            {
                Console.Error.WriteLine($"init-model: {e.Message}");
                return 2;
            }
        });
        return command;

        int CreateClassifier(ParseResult parse)
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

        int CreateT5(ParseResult parse)
        {
            var request = new T5RandomCheckpointRequest(parse.GetValue(size)!, parse.GetValue(variant)!, parse.GetValue(vocabSize),
                parse.GetValue(tokenizer)?.FullName, parse.GetValue(output)!.FullName, parse.GetValue(seed));
            using var model = T5RandomCheckpoint.Create(request);
            var parameters = model.parameters().Sum(p => p.numel());
            Console.WriteLine($"Wrote {model.Architecture} ({request.Size} {request.Variant}, {parameters:N0} parameters, vocabulary {model.Config.VocabSize}) to {request.Output}" +
                (request.TokenizerFolder is null ? " (no tokenizer: pass --tokenizer DIR to copy one)" : ""));
            return 0;
        }
    }
}
