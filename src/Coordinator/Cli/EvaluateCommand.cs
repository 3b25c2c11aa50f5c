using System.CommandLine;
using System.Text.Json;
using Orchestrator.Coordinator.ConsoleView;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Spectre.Console;

namespace Orchestrator.Coordinator.Cli;

/// <summary>What `orchestrator evaluate` was asked to do.</summary>
public sealed record EvaluateSettings(EvaluationRequest Request, bool Json);

/// <summary>
/// `orchestrator evaluate --model DIR --data PATH`: scores a fine-tuned model folder (config.json labels,
/// tokenizer files, weights) on the validation or test split, in this process, with the code a training
/// run evaluates with. Prints the metrics table, or with --json one object shaped like evaluate's seqeval
/// output (accuracy/precision/recall/f1 for classification) plus loss and examples. A T5 model folder is a seq2seq
/// evaluation: answers are generated and scored by exact match and F1 (SQuAD), JSON `eval_loss`, `exact_match`, `f1`.
/// Exit codes: 0 done, 2 bad input.
/// </summary>
public static class EvaluateCommand
{
    private static readonly Option<string> ModelOption = new("--model") { Description = "Fine-tuned model folder (config.json, model.safetensors, tokenizer files)", Required = true };
    private static readonly Option<string> DataOption = new("--data") { Description = "Dataset folder holding the split, or a single file to score", Required = true };
    private static readonly Option<string> SplitOption = new("--split")
    {
        Description = "validation or test", DefaultValueFactory = _ => "validation",
    };
    private static readonly Option<string?> TaskOption = new("--task") { Description = "ner, pos, chunk or classification; default from the model's head (token head: ner)" };
    private static readonly Option<bool> StrictOption = new("--strict") { Description = "seqeval strict IOB2 mode instead of the default mode" };
    private static readonly Option<int> BatchSizeOption = new("--batch-size") { Description = "Examples per forward pass", DefaultValueFactory = _ => 32 };
    private static readonly Option<int> MaxLengthOption = new("--max-length")
    {
        Description = "Maximum sequence length in tokens, as in training", DefaultValueFactory = _ => new TrainOptions().MaxLength,
    };
    private static readonly Option<bool> FirstSubtokenOption = new("--label-first-subtoken-only") { Description = "Score only each word's first sub-token, as the run trained" };
    private static readonly Option<string?> TextColumnOption = new("--text-column") { Description = "Classification: the text field (default: text, sentence1, #1 String... whichever is present)" };
    private static readonly Option<string?> PairColumnOption = new("--text-pair-column") { Description = "Classification: the second text of a pair" };
    private static readonly Option<string?> LabelColumnOption = new("--label-column") { Description = "Classification: the label field (default: label, Quality, labels, whichever is present)" };
    private static readonly Option<string[]> InputColumnsOption = new("--input-columns")
    {
        Description = "Seq2seq: the source column(s), one text or a pair (default: context question)", AllowMultipleArgumentsPerToken = true,
    };
    private static readonly Option<string?> TargetColumnOption = new("--target-column") { Description = "Seq2seq: the target column (default: text)" };
    private static readonly Option<int?> NumBeamsOption = new("--num-beams") { Description = "Seq2seq: num_beams of the generated answers (default: the model folder's generation config, else 1)" };
    private static readonly Option<int?> MaxNewTokensOption = new("--max-new-tokens") { Description = "Seq2seq: tokens generated at most per answer (default: the generation config's, else max_length 20)" };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print the metrics as one JSON object" };

    public static Command Create()
    {
        var command = new Command("evaluate", "Score a fine-tuned model on a dataset split");
        foreach (var option in new Option[]
                 {
                     ModelOption, DataOption, SplitOption, TaskOption, StrictOption, BatchSizeOption, MaxLengthOption, FirstSubtokenOption,
                     TextColumnOption, PairColumnOption, LabelColumnOption, InputColumnsOption, TargetColumnOption, NumBeamsOption,
                     MaxNewTokensOption, JsonOption,
                 })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            EvaluateSettings settings;
            try
            {
                settings = Bind(parse);
            }
            catch (RunInputException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return RunHost.BadInput;
            }
            return Run(settings, Console.Out, Console.Error);
        });
        return command;
    }

    public static EvaluateSettings Bind(ParseResult parse)
    {
        var split = parse.GetValue(SplitOption) switch
        {
            "validation" => Split.Validation,
            "test" => Split.Test,
            var other => throw new RunInputException($"--split must be validation or test, not '{other}'"),
        };
        TrainTask? task = parse.GetValue(TaskOption) switch
        {
            null => null,
            var name => Enum.GetValues<TrainTask>().Where(t => t.ToConfigName() == name).Cast<TrainTask?>().FirstOrDefault()
                ?? throw new RunInputException($"--task must be ner, pos, chunk, classification or seq2seq, not '{name}'"),
        };
        var request = new EvaluationRequest(parse.GetValue(ModelOption)!, parse.GetValue(DataOption)!)
        {
            Split = split,
            Task = task,
            Strict = parse.GetValue(StrictOption),
            BatchSize = parse.GetValue(BatchSizeOption),
            MaxLength = parse.GetValue(MaxLengthOption),
            LabelFirstSubtokenOnly = parse.GetValue(FirstSubtokenOption),
            TextColumn = parse.GetValue(TextColumnOption),
            TextPairColumn = parse.GetValue(PairColumnOption),
            LabelColumn = parse.GetValue(LabelColumnOption),
            NumBeams = parse.GetValue(NumBeamsOption),
            MaxNewTokens = parse.GetValue(MaxNewTokensOption),
        };
        if (parse.GetValue(InputColumnsOption) is { Length: > 0 } inputs) request = request with { InputColumns = inputs };
        if (parse.GetValue(TargetColumnOption) is { } target) request = request with { TargetColumn = target };
        return new EvaluateSettings(request, parse.GetValue(JsonOption));
    }

    public static int Run(EvaluateSettings settings, TextWriter output, TextWriter error)
    {
        ModelEvaluationResult result;
        try
        {
            result = ModelEvaluation.Evaluate(settings.Request);
        }
        catch (RunInputException problem)
        {
            error.WriteLine($"error: {problem.Message}");
            return RunHost.BadInput;
        }

        var scores = result.Scores;
        if (settings.Json && result.Task == TrainTask.Seq2Seq)
        {
            // Seq2SeqTrainer's eval_loss beside the squad metric's own names.
            var metrics = new Dictionary<string, object> { ["eval_loss"] = scores.Metrics["loss"] };
            foreach (var name in new[] { "exact_match", "f1" }) metrics[name] = scores.Metrics[name];
            metrics["examples"] = scores.Examples;
            output.WriteLine(JsonSerializer.Serialize(metrics));
            return RunHost.Succeeded;
        }
        if (settings.Json)
        {
            var json = scores.Entities is { } entities
                ? entities.ToDictionary()
                : scores.Metrics.Where(m => m.Key != "loss").ToDictionary(m => m.Key, m => (object)m.Value);
            json["loss"] = scores.Metrics["loss"];
            json["examples"] = scores.Examples;
            output.WriteLine(JsonSerializer.Serialize(json));
            return RunHost.Succeeded;
        }

        output.WriteLine($"{settings.Request.ModelDirectory} on {result.DataFile} ({result.Task.ToConfigName()}, {scores.Examples} examples)");
        var perType = scores.Entities?.PerType.Select(t => new TypeScores(t.Key, t.Value.Precision, t.Value.Recall, t.Value.F1, t.Value.Number)).ToList() ?? [];
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, Console.Out) ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(output, Console.Out) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        EvaluationTable.Render(console, new EvaluationReport(scores.Metrics, perType));
        return RunHost.Succeeded;
    }
}
