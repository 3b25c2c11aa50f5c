using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Shared.Config;

/// <summary>One command-line value for a configuration key; <see cref="Source"/> is how the user spelled it (e.g. "--lr").</summary>
public sealed record OptionOverride(string Key, IReadOnlyList<string> Values, string Source)
{
    public OptionOverride(string key, string value, string source) : this(key, [value], source)
    {
    }
}

/// <summary>
/// Builds <see cref="TrainOptions"/>: defaults, then a YAML file (snake_case keys like Hugging Face
/// TrainingArguments), then command-line overrides (the command line wins), then validation.
/// Every problem is reported with its file and line or its option name, all at once.
/// </summary>
public static class TrainOptionsLoader
{
    /// <summary>The full pipeline: YAML (optional) + overrides + validation. Throws <see cref="OptionsValidationException"/>.</summary>
    public static TrainOptions Load(string? configPath, IEnumerable<OptionOverride> overrides) =>
        TrainOptionsValidator.Validate(Read(configPath, overrides));

    /// <summary>
    /// YAML (optional) + overrides on top of the defaults, without the cross-field validation (a caller
    /// may fill in more values first). Throws <see cref="OptionsValidationException"/> on unreadable input.
    /// </summary>
    public static TrainOptions Read(string? configPath, IEnumerable<OptionOverride> overrides, TrainOptions? defaults = null)
    {
        var problems = new List<string>();
        var options = defaults ?? new TrainOptions();
        if (configPath is not null)
        {
            if (File.Exists(configPath))
                options = ParseYaml(File.ReadAllText(configPath), configPath, options, problems);
            else
                problems.Add($"{configPath}: configuration file not found");
        }

        options = ApplyOverrides(options, overrides, problems);
        if (problems.Count > 0) throw new OptionsValidationException(problems);
        return options;
    }

    /// <summary>Applies YAML text on top of <paramref name="options"/>; problems are added as "source:line: message".</summary>
    public static TrainOptions ParseYaml(string yaml, string sourceName, TrainOptions options, List<string> problems)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            problems.Add($"{sourceName}:{e.Start.Line}: {Innermost(e).Message}");
            return options;
        }

        if (stream.Documents.Count == 0) return options;
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" }) return options;
        if (root is not YamlMappingNode mapping)
        {
            problems.Add($"{sourceName}:{root.Start.Line}: expected a mapping of option: value pairs");
            return options;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var line = keyNode.Start.Line;
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var field = TrainOptionFields.Find(key);
            if (field is null)
            {
                var hint = TrainOptionFields.Suggest(key) is { } s ? $" (did you mean '{s}'?)" : "";
                problems.Add($"{sourceName}:{line}: unknown key '{key}'{hint}");
                continue;
            }

            try
            {
                var value = valueNode switch
                {
                    YamlScalarNode scalar when scalar.Style != ScalarStyle.Plain && field.Kind == OptionValueKind.Text => scalar.Value,
                    YamlScalarNode scalar => field.ParseScalar(scalar.Value),
                    YamlSequenceNode sequence => field.ParseList(sequence.Children.Select(c =>
                        c is YamlScalarNode item ? item.Value ?? "" : throw new FormatException($"{key}: list items must be plain values"))),
                    _ => throw new FormatException($"{key}: expected a value, found a mapping"),
                };
                options = field.WithValue(options, value);
            }
            catch (FormatException e)
            {
                problems.Add($"{sourceName}:{valueNode.Start.Line}: {e.Message}");
            }
        }

        return options;
    }

    /// <summary>Applies command-line values; list options replace the YAML list, scalars take their last value.</summary>
    public static TrainOptions ApplyOverrides(TrainOptions options, IEnumerable<OptionOverride> overrides, List<string> problems)
    {
        foreach (var item in overrides)
        {
            var field = TrainOptionFields.Find(item.Key);
            if (field is null)
            {
                problems.Add($"{item.Source}: unknown option '{item.Key}'");
                continue;
            }

            try
            {
                var value = field.Kind == OptionValueKind.TextList
                    ? field.ParseList(item.Values)
                    : field.ParseScalar(item.Values.Count == 0 ? null : item.Values[^1]);
                options = field.WithValue(options, value);
            }
            catch (FormatException e)
            {
                problems.Add($"{item.Source}: {e.Message}");
            }
        }

        return options;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
