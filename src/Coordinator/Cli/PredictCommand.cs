using System.CommandLine;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Pipelines;
using Orchestrator.Torch;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Cli;

/// <summary>What `orchestrator predict` was asked to do. <see cref="TopK"/>: null the best label, 0 every label.</summary>
public sealed record PredictSettings(
    string ModelDirectory, string? InputPath, AggregationStrategy? Aggregation, bool Pair, int? TopK, int BatchSize, bool Json, int? Stride);

/// <summary>
/// `orchestrator predict --model DIR`: uses a fine-tuned model as Hugging Face's pipelines do. Reads one input per
/// line (stdin or --input): a text, with --pair two texts separated by a tab, or a JSON object with "text" and
/// "text_pair". A token classifier prints the entities of each line (TokenClassificationPipeline with
/// --aggregation, long texts read in overlapping windows); a sequence classifier prints the best label and its
/// score, or with --top-k the best k (TextClassificationPipeline; a text too long for the model is truncated and
/// the output says where). With --json, one JSON value per input line, shaped as the pipelines return it.
/// Exit codes: 0 done, 2 bad input (model folder, option, input line).
/// </summary>
public static class PredictCommand
{
    private static readonly Option<string> ModelOption = new("--model") { Description = "Fine-tuned model folder (config.json, model.safetensors, tokenizer files)", Required = true };
    private static readonly Option<string?> InputOption = new("--input") { Description = "Read inputs from this file instead of standard input" };
    private static readonly Option<string?> AggregationOption = new("--aggregation")
    {
        Description = "Token classification: none, simple (default), first, average or max, as the pipeline's aggregation_strategy",
    };
    private static readonly Option<bool> PairOption = new("--pair") { Description = "Each line holds two texts separated by a tab (sequence classification)" };
    private static readonly Option<string?> TopKOption = new("--top-k") { Description = "Sequence classification: print the k best labels, sorted (0 or all: every label)" };
    private static readonly Option<int> BatchSizeOption = new("--batch-size") { Description = "Sequences per forward pass (results do not depend on it)", DefaultValueFactory = _ => 32 };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print one JSON value per input line" };
    private static readonly Option<int?> StrideOption = new("--stride")
    {
        Description = "Token classification: tokens shared by the overlapping windows a long text is read in (default: min(128, half a window))",
    };

    public static Command Create()
    {
        var command = new Command("predict", "Predict with a fine-tuned model: entities or labels per input line");
        foreach (var option in new Option[] { ModelOption, InputOption, AggregationOption, PairOption, TopKOption, BatchSizeOption, JsonOption, StrideOption })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            PredictSettings settings;
            try
            {
                settings = Bind(parse);
            }
            catch (RunInputException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return RunHost.BadInput;
            }
            // libtorch takes the cores (OMP_NUM_THREADS when set); OpenBLAS stays single-threaded (the thread trap).
            ComputeThreads.Use(ComputeThreads.Budget());
            return Run(settings, Console.In, Console.Out, Console.Error);
        });
        return command;
    }

    public static PredictSettings Bind(ParseResult parse)
    {
        AggregationStrategy? aggregation = parse.GetValue(AggregationOption) switch
        {
            null => null,
            var name => AggregationStrategies.Parse(name) ?? throw new RunInputException($"--aggregation must be none, simple, first, average or max, not '{name}'"),
        };
        int? topK = parse.GetValue(TopKOption) switch
        {
            null => null,
            "all" => 0,
            var k when int.TryParse(k, out var value) && value >= 0 => value,
            var k => throw new RunInputException($"--top-k must be a number of labels (0 or all: every label), not '{k}'"),
        };
        int batchSize = parse.GetValue(BatchSizeOption);
        if (batchSize < 1) throw new RunInputException($"--batch-size must be at least 1 (got {batchSize})");
        return new PredictSettings(parse.GetValue(ModelOption)!, parse.GetValue(InputOption), aggregation, parse.GetValue(PairOption), topK,
            batchSize, parse.GetValue(JsonOption), parse.GetValue(StrideOption));
    }

    /// <summary>Predicts every input line of <paramref name="input"/> (or of the --input file); returns the exit code.</summary>
    public static int Run(PredictSettings settings, TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            using var model = PredictionModel.Load(settings.ModelDirectory);
            CheckOptions(settings, model.Task);
            using var reader = settings.InputPath is null ? null : OpenInput(settings.InputPath);
            var source = settings.InputPath ?? "stdin";
            var lines = PredictInputReader.Read(reader ?? input, source, settings.Pair);
            if (model.Task == ModelTask.TokenClassification) PredictEntities(model, settings, lines, source, output);
            else PredictLabels(model, settings, lines, output, error);
            return RunHost.Succeeded;
        }
        catch (RunInputException problem)
        {
            error.WriteLine($"error: {problem.Message}");
            return RunHost.BadInput;
        }
    }

    private static void CheckOptions(PredictSettings settings, ModelTask task)
    {
        if (task == ModelTask.TokenClassification)
        {
            if (settings.Pair) throw new RunInputException("--pair: a token classifier reads one text per line (pairs are for sequence classification)");
            if (settings.TopK is not null) throw new RunInputException("--top-k applies to sequence classification; this model classifies tokens");
        }
        else
        {
            if (settings.Aggregation is not null) throw new RunInputException("--aggregation applies to token classification; this model classifies sequences");
            if (settings.Stride is not null) throw new RunInputException("--stride applies to token classification; a sequence classifier reads one window (longer inputs are truncated, and reported)");
        }
    }

    private static StreamReader OpenInput(string path)
    {
        try
        {
            return new StreamReader(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunInputException($"{path}: {e.Message}", e);
        }
    }

    private static void PredictEntities(PredictionModel model, PredictSettings settings, IEnumerable<PredictInput> lines, string source, TextWriter output)
    {
        var strategy = settings.Aggregation ?? AggregationStrategy.Simple;
        var pipeline = model.TokenClassification(settings.Stride);
        foreach (var batch in lines.Chunk(settings.BatchSize))
        {
            if (batch.FirstOrDefault(l => l.TextPair is not null) is { } paired)
                throw new RunInputException($"{source} line {paired.Line}: field \"text_pair\": a token classifier reads one text per line");
            var results = pipeline.Predict(batch.Select(l => l.Text).ToList(), strategy, settings.BatchSize);
            for (int i = 0; i < batch.Length; i++)
            {
                if (settings.Json) output.WriteLine(PredictOutput.EntitiesJson(results[i].Entities, strategy));
                else PredictOutput.WriteEntities(output, batch[i].Line, results[i]);
            }
            output.Flush();
        }
    }

    private static void PredictLabels(PredictionModel model, PredictSettings settings, IEnumerable<PredictInput> lines, TextWriter output, TextWriter error)
    {
        var pipeline = model.TextClassification();
        foreach (var batch in lines.Chunk(settings.BatchSize))
        {
            var results = pipeline.Predict(batch.Select(l => (l.Text, l.TextPair)).ToList(), settings.TopK, settings.BatchSize);
            for (int i = 0; i < batch.Length; i++)
            {
                foreach (var cut in results[i].Truncated) error.WriteLine(PredictOutput.TruncationWarning(batch[i].Line, model.MaxLength, cut));
                if (settings.Json) output.WriteLine(PredictOutput.LabelsJson(results[i], settings.TopK is not null));
                else PredictOutput.WriteLabels(output, batch[i].Line, results[i]);
            }
            output.Flush();
        }
    }
}
