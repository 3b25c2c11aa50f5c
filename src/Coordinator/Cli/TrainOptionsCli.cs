using System.CommandLine;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// The command-line face of <see cref="TrainOptions"/>: one option per configuration key (--key-in-kebab-case plus
/// short aliases such as --epochs, --lr, --model, --data, --output) and --config file.yaml. Values given on the
/// command line override the YAML file; both go through the same parser and validator, so errors read the same.
/// </summary>
public sealed class TrainOptionsCli
{
    private readonly List<(TrainOptionField Field, Option Option)> _options = [];

    private TrainOptionsCli()
    {
        Config = new Option<string?>("--config") { Description = "YAML file with snake_case keys (see docs/configuration.md)", HelpName = "file.yaml" };
        foreach (var field in TrainOptionFields.All)
        {
            var names = field.Aliases;
            Option option = field.Kind switch
            {
                OptionValueKind.Boolean => new Option<bool?>(field.CliName, names) { Arity = ArgumentArity.ZeroOrOne },
                OptionValueKind.TextList => new Option<string[]>(field.CliName, names) { AllowMultipleArgumentsPerToken = true },
                _ => new Option<string>(field.CliName, names) { HelpName = field.Kind == OptionValueKind.Choice ? string.Join("|", field.Choices) : field.TypeName },
            };
            option.Description = field.Description;
            _options.Add((field, option));
        }
    }

    public Option<string?> Config { get; }

    public IEnumerable<Option> Options => _options.Select(o => o.Option).Prepend(Config);

    /// <summary>Adds --config and every training option to <paramref name="command"/>.</summary>
    public static TrainOptionsCli AddTo(Command command)
    {
        var cli = new TrainOptionsCli();
        foreach (var option in cli.Options) command.Options.Add(option);
        return cli;
    }

    /// <summary>The options as given: only what the user typed becomes an override.</summary>
    public IReadOnlyList<OptionOverride> Overrides(ParseResult parse)
    {
        var overrides = new List<OptionOverride>();
        foreach (var (field, option) in _options)
        {
            var result = parse.GetResult(option);
            if (result is null || result.Implicit) continue;
            var source = result.IdentifierToken?.Value ?? field.CliName;
            IReadOnlyList<string> values = option switch
            {
                Option<bool?> flag => [parse.GetValue(flag) is false ? "false" : "true"],
                Option<string[]> list => parse.GetValue(list) ?? [],
                Option<string> text => [parse.GetValue(text) ?? ""],
                _ => [],
            };
            overrides.Add(new OptionOverride(field.Key, values, source));
        }

        return overrides;
    }

    /// <summary>YAML (when --config is given) + command-line overrides + validation; throws <see cref="OptionsValidationException"/>.</summary>
    public TrainOptions Bind(ParseResult parse) => TrainOptionsLoader.Load(parse.GetValue(Config), Overrides(parse));
}
