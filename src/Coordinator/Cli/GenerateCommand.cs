using System.CommandLine;
using System.Globalization;
using Orchestrator.Coordinator.Run;
using Orchestrator.Torch;
using Orchestrator.Worker.Generation;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// What `orchestrator generate` was asked to do. The generation options are null when not given on the command line
/// (then the model folder's generation_config.json / config.json, else generate's defaults, decide).
/// </summary>
public sealed record GenerateSettings(
    string ModelDirectory, string? InputPath, int? NumBeams, int? NoRepeatNgramSize, int? MaxNewTokens, double? LengthPenalty,
    EarlyStopping? EarlyStopping, int BatchSize, int MaxSourceLength, bool Json);

/// <summary>
/// `orchestrator generate --model DIR`: answers with a sequence-to-sequence model (T5) as Hugging Face's
/// <c>model.generate</c> does, then <c>tokenizer.decode(ids, skip_special_tokens=True)</c>. Reads one JSON object per
/// line (stdin or --input): <c>{"context", "question"}</c>, encoded as <c>tokenizer(context, question)</c> with
/// only_first truncation, or <c>{"text"}</c>, encoded as <c>tokenizer(text)</c>. Prints one line per input, in
/// order: the generated text, or with --json <c>{"text", "ids"}</c>.
/// Exit codes: 0 done, 2 bad input (model folder, option, input line).
/// </summary>
public static class GenerateCommand
{
    /// <summary>Inputs per generate call when --batch-size is not given.</summary>
    public const int DefaultBatchSize = 8;

    /// <summary>The tutorial's source length (t5-base's model_max_length).</summary>
    public const int DefaultMaxSourceLength = 512;

    private static readonly Option<string> ModelOption = new("--model") { Description = "Sequence-to-sequence model folder (config.json, model.safetensors, spiece.model or tokenizer.json)", Required = true };
    private static readonly Option<string?> InputOption = new("--input") { Description = "Read the JSON lines from this file instead of standard input" };
    private static readonly Option<int?> NumBeamsOption = new("--num-beams") { Description = "num_beams: 1 is greedy search (default: the model folder's generation config, else 1)" };
    private static readonly Option<int?> NoRepeatOption = new("--no-repeat-ngram-size") { Description = "no_repeat_ngram_size: no n-gram of this size occurs twice in an answer (0: off)" };
    private static readonly Option<int?> MaxNewTokensOption = new("--max-new-tokens") { Description = "max_new_tokens: tokens to generate at most (default: the generation config's, else max_length 20 with the start token)" };
    private static readonly Option<double?> LengthPenaltyOption = new("--length-penalty") { Description = "length_penalty: beam scores are divided by length ** this (default 1.0)" };
    private static readonly Option<string?> EarlyStoppingOption = new("--early-stopping")
    {
        Description = "early_stopping: beam search stops once num_beams answers are finished; or give true, false or never",
        Arity = ArgumentArity.ZeroOrOne,
    };
    private static readonly Option<int> BatchSizeOption = new("--batch-size") { Description = "Inputs generated together (padded to the longest)", DefaultValueFactory = _ => DefaultBatchSize };
    private static readonly Option<int> MaxSourceLengthOption = new("--max-source-length")
    {
        Description = "Encoder tokens per input, </s> included; a longer context is truncated (only_first)", DefaultValueFactory = _ => DefaultMaxSourceLength,
    };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print one JSON object per input line: {\"text\", \"ids\"}" };

    public static Command Create()
    {
        var command = new Command("generate", "Generate answers with a sequence-to-sequence model (T5): greedy or beam search, one line per input");
        foreach (var option in new Option[] { ModelOption, InputOption, NumBeamsOption, NoRepeatOption, MaxNewTokensOption, LengthPenaltyOption,
                     EarlyStoppingOption, BatchSizeOption, MaxSourceLengthOption, JsonOption })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            GenerateSettings settings;
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

    public static GenerateSettings Bind(ParseResult parse)
    {
        var numBeams = parse.GetValue(NumBeamsOption);
        if (numBeams is < 1) throw new RunInputException($"--num-beams must be at least 1 (1 is greedy search), got {numBeams}");
        var noRepeat = parse.GetValue(NoRepeatOption);
        if (noRepeat is < 0) throw new RunInputException($"--no-repeat-ngram-size must be 0 (off) or positive, got {noRepeat}");
        var maxNewTokens = parse.GetValue(MaxNewTokensOption);
        if (maxNewTokens is < 1) throw new RunInputException($"--max-new-tokens must be at least 1, got {maxNewTokens}");
        var lengthPenalty = parse.GetValue(LengthPenaltyOption);
        if (lengthPenalty is { } penalty && !double.IsFinite(penalty)) throw new RunInputException($"--length-penalty must be a finite number, got {penalty.ToString(CultureInfo.InvariantCulture)}");
        EarlyStopping? earlyStopping = null;
        if (parse.GetResult(EarlyStoppingOption) is not null)
        {
            var value = parse.GetValue(EarlyStoppingOption);
            try
            {
                earlyStopping = value is null ? EarlyStopping.True : GenerationOptions.ParseEarlyStopping(value);
            }
            catch (ArgumentException)
            {
                throw new RunInputException($"--early-stopping takes no value, or true, false or never; not '{value}'");
            }
        }
        var batchSize = parse.GetValue(BatchSizeOption);
        if (batchSize < 1) throw new RunInputException($"--batch-size must be at least 1, got {batchSize}");
        var maxSourceLength = parse.GetValue(MaxSourceLengthOption);
        if (maxSourceLength < 2) throw new RunInputException($"--max-source-length must be at least 2 (a question's two </s> tokens), got {maxSourceLength}");
        return new GenerateSettings(parse.GetValue(ModelOption)!, parse.GetValue(InputOption), numBeams, noRepeat, maxNewTokens, lengthPenalty,
            earlyStopping, batchSize, maxSourceLength, parse.GetValue(JsonOption));
    }

    /// <summary>The model folder's defaults with the options given on the command line in their place.</summary>
    public static GenerationOptions Options(GenerateSettings settings, GenerationOptions defaults) => defaults with
    {
        NumBeams = settings.NumBeams ?? defaults.NumBeams,
        NoRepeatNgramSize = settings.NoRepeatNgramSize ?? defaults.NoRepeatNgramSize,
        MaxNewTokens = settings.MaxNewTokens ?? defaults.MaxNewTokens,
        LengthPenalty = settings.LengthPenalty ?? defaults.LengthPenalty,
        EarlyStopping = settings.EarlyStopping ?? defaults.EarlyStopping,
    };

    /// <summary>Generates for every input line of <paramref name="input"/> (or of the --input file); returns the exit code.</summary>
    public static int Run(GenerateSettings settings, TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            using var model = GenerationModel.Load(settings.ModelDirectory);
            foreach (var field in model.Defaults.Ignored)
                error.WriteLine($"generate: {model.Defaults.Source}: {field} is not supported (greedy and beam search only); ignored");
            var options = Options(settings, model.Defaults.Options);
            using var reader = settings.InputPath is null ? null : OpenInput(settings.InputPath);
            var source = settings.InputPath ?? "stdin";
            foreach (var batch in GenerateInputReader.Read(reader ?? input, source).Chunk(settings.BatchSize))
            {
                var encodings = batch.Select(line => model.Encode(line, settings.MaxSourceLength, source)).ToList();
                var generated = model.Generate(encodings, options);
                foreach (var ids in generated)
                {
                    var text = model.Tokenizer.Decode(ids, skipSpecialTokens: true);
                    output.WriteLine(settings.Json ? GenerateOutput.Json(text, ids) : GenerateOutput.Plain(text));
                }
                output.Flush();
            }
            return RunHost.Succeeded;
        }
        catch (RunInputException problem)
        {
            error.WriteLine($"error: {problem.Message}");
            return RunHost.BadInput;
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
}
