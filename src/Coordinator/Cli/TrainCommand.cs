using System.CommandLine;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// `orchestrator train`: fine-tune for NER/POS/chunking or classification. With neither --model nor
/// --data it runs the embedded default (bundled synthetic NER data, a tiny model, two local workers).
/// Started again on the same --output it resumes from the newest complete checkpoint.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Fine-tune a BERT-family model (no arguments: the embedded default run)");
        var cli = TrainOptionsCli.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            TrainOptions options;
            try
            {
                options = Bind(cli, parse);
            }
            catch (OptionsValidationException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return RunHost.BadInput;
            }
            return await RunHost.TrainAsync(options, cancellationToken: cancellation);
        });
        return command;
    }

    /// <summary>The user's options, on top of the embedded default when neither model nor data is given.</summary>
    public static TrainOptions Bind(TrainOptionsCli cli, ParseResult parse)
    {
        var overrides = cli.Overrides(parse);
        var configPath = parse.GetValue(cli.Config);
        var problems = new List<string>();
        var given = configPath is null ? new TrainOptions() : TrainOptionsLoader.LoadYaml(configPath);
        given = TrainOptionsLoader.ApplyOverrides(given, overrides, problems);
        if (problems.Count > 0) throw new OptionsValidationException(problems);
        if (!DefaultRun.Applies(given)) return TrainOptionsLoader.Load(configPath, overrides);

        var merged = TrainOptionsLoader.ApplyOverrides(DefaultRun.Defaults(), overrides, problems);
        merged = merged with { ModelPath = DefaultRun.BaseModelFolder(merged) };
        problems.AddRange(TrainOptionsValidator.Problems(merged));
        if (problems.Count > 0) throw new OptionsValidationException(problems);
        DefaultRun.EnsureBaseModel(merged.ModelPath!, Path.Combine(DefaultRun.DataRoot, "vocab.txt"), DefaultRun.BundledNerLabels());
        return merged;
    }
}
