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
        var given = TrainOptionsLoader.Read(configPath, overrides);
        if (!DefaultRun.Applies(given)) return TrainOptionsValidator.Validate(given);

        // The embedded default under what the user gave (the YAML file and the flags win).
        var merged = TrainOptionsLoader.Read(configPath, overrides, DefaultRun.Defaults(given.Task));
        merged = TrainOptionsValidator.Validate(merged with { ModelPath = DefaultRun.BaseModelFolder(merged) });
        DefaultRun.EnsureBaseModel(merged);
        return merged;
    }
}
