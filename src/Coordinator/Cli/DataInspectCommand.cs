using System.CommandLine;
using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;
using Orchestrator.Shared.Text;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// `orchestrator data inspect`: the first examples as words over tags and sub-tokens over aligned
/// labels, then statistics of the split. Bad data fails here with file, line and field, before training.
/// </summary>
public static class DataInspectCommand
{
    public static readonly string[] Tasks = { "ner", "pos", "chunk", "classification" };
    public static readonly string[] Splits = { "train", "validation", "test" };

    public static Command Create(Func<string, ITokenizer> tokenizerFactory)
    {
        var data = new Option<string>("--data") { Description = "Dataset folder (train/validation/test files) or a single file", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "Tokenizer folder or vocab.txt", Required = true };
        var task = new Option<string>("--task") { Description = "Task", DefaultValueFactory = _ => "ner" };
        task.AcceptOnlyFromAmong(Tasks);
        var split = new Option<string>("--split") { Description = "Split to inspect", DefaultValueFactory = _ => "train" };
        split.AcceptOnlyFromAmong(Splits);
        var limit = new Option<int>("--limit") { Description = "Examples to print", DefaultValueFactory = _ => 5 };
        var firstOnly = new Option<bool>("--label-first-subtoken-only") { Description = "Label only the first sub-token of a word (-100 for the rest)" };
        var maxLength = new Option<int>("--max-length") { Description = "Maximum sequence length in tokens", DefaultValueFactory = _ => 512 };
        var labels = new Option<string?>("--labels") { Description = "Labels file (one per line) overriding the folder's" };
        var iob1 = new Option<bool>("--iob1") { Description = "Tags are IOB1: convert them to IOB2" };
        var skipBad = new Option<bool>("--skip-bad-lines") { Description = "Skip malformed records and report them instead of failing" };
        var tagColumn = new Option<int?>("--tag-column") { Description = "CoNLL: 0-based tag column overriding the task's" };
        var textColumn = new Option<string?>("--text-column") { Description = "Classification: text column or field" };
        var pairColumn = new Option<string?>("--pair-column") { Description = "Classification: second text column or field" };
        var labelColumn = new Option<string?>("--label-column") { Description = "Classification: label column or field" };

        var command = new Command("inspect", "Show examples, their sub-tokens and aligned labels, and statistics of a split");
        foreach (var option in new Option[] { data, tokenizer, task, split, limit, firstOnly, maxLength, labels, iob1, skipBad, tagColumn, textColumn, pairColumn, labelColumn })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var options = new DataOptions
                {
                    Task = Enum.Parse<DataTask>(parse.GetValue(task)!, ignoreCase: true),
                    TagColumn = parse.GetValue(tagColumn),
                    ConvertIob1ToIob2 = parse.GetValue(iob1),
                    SkipBadLines = parse.GetValue(skipBad),
                    LabelsFile = parse.GetValue(labels),
                    Columns = new ClassificationOptions
                    {
                        TextColumn = parse.GetValue(textColumn),
                        PairColumn = parse.GetValue(pairColumn),
                        LabelColumn = parse.GetValue(labelColumn),
                    },
                };
                var dataset = TaskDataset.Open(parse.GetValue(data)!, options);
                var encoder = tokenizerFactory(parse.GetValue(tokenizer)!);
                DataInspector.Inspect(dataset, encoder, Enum.Parse<Split>(parse.GetValue(split)!, ignoreCase: true),
                    parse.GetValue(limit), parse.GetValue(firstOnly), parse.GetValue(maxLength), output);
                return 0;
            }
            catch (DataFormatException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
