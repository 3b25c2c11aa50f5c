using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Orchestrator.Shared.Config;

/// <summary>The value shapes an option can have; decides parsing, JSON form and documentation.</summary>
public enum OptionValueKind
{
    Integer,
    Number,
    Boolean,
    Text,
    TextList,
    Choice,
}

/// <summary>One configuration key of <see cref="TrainOptions"/>: how to read, write, parse and print it.</summary>
public sealed class TrainOptionField
{
    private readonly PropertyInfo _property;

    internal TrainOptionField(PropertyInfo property, TrainOptionAttribute attribute)
    {
        _property = property;
        Key = attribute.Key;
        Description = attribute.Description;
        Trajectory = attribute.Trajectory;
        Aliases = attribute.Aliases;
        var type = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(type);
        IsNullable = underlying is not null
            || new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
        ValueType = underlying ?? type;
        Kind = ValueType switch
        {
            _ when ValueType == typeof(int) => OptionValueKind.Integer,
            _ when ValueType == typeof(double) => OptionValueKind.Number,
            _ when ValueType == typeof(bool) => OptionValueKind.Boolean,
            _ when ValueType == typeof(string) => OptionValueKind.Text,
            _ when ValueType == typeof(IReadOnlyList<string>) => OptionValueKind.TextList,
            { IsEnum: true } => OptionValueKind.Choice,
            _ => throw new InvalidOperationException($"Option {property.Name} has unsupported type {type}"),
        };
    }

    /// <summary>snake_case key used in YAML and run.json.</summary>
    public string Key { get; }

    public string Description { get; }

    /// <summary>Whether the value changes the training trajectory (and so enters the configuration hash).</summary>
    public bool Trajectory { get; }

    public string[] Aliases { get; }

    public bool IsNullable { get; }

    public Type ValueType { get; }

    public OptionValueKind Kind { get; }

    public string PropertyName => _property.Name;

    /// <summary>--key-in-kebab-case.</summary>
    public string CliName => "--" + Key.Replace('_', '-');

    /// <summary>Allowed names of a <see cref="OptionValueKind.Choice"/> option, lower-case.</summary>
    public IReadOnlyList<string> Choices =>
        Kind == OptionValueKind.Choice ? Enum.GetNames(ValueType).Select(n => n.ToLowerInvariant()).ToArray() : [];

    public string TypeName => Kind switch
    {
        OptionValueKind.Integer => "integer",
        OptionValueKind.Number => "number",
        OptionValueKind.Boolean => "boolean",
        OptionValueKind.Text => "string",
        OptionValueKind.TextList => "list of strings",
        _ => string.Join(" | ", Choices),
    };

    public object? GetValue(TrainOptions options) => _property.GetValue(options);

    /// <summary>A copy of <paramref name="options"/> with this option set (init-only setters are set on the fresh copy).</summary>
    public TrainOptions WithValue(TrainOptions options, object? value)
    {
        var copy = options with { };
        _property.SetValue(copy, value);
        return copy;
    }

    /// <summary>Parses one textual value (YAML scalar or command-line token). Throws <see cref="FormatException"/> with a message that names no location.</summary>
    public object? ParseScalar(string? text)
    {
        var trimmed = text?.Trim();
        if (trimmed is null || trimmed.Length == 0 || trimmed is "~" or "null" or "Null" or "NULL")
        {
            if (IsNullable) return null;
            if (Kind == OptionValueKind.TextList) return Array.Empty<string>();
            throw new FormatException($"{Key} needs a value ({TypeName})");
        }

        switch (Kind)
        {
            case OptionValueKind.Integer:
                if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) return i;
                throw new FormatException($"{Key}: '{trimmed}' is not an integer");
            case OptionValueKind.Number:
                if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return d;
                throw new FormatException($"{Key}: '{trimmed}' is not a finite number");
            case OptionValueKind.Boolean:
                if (bool.TryParse(trimmed, out var b)) return b;
                throw new FormatException($"{Key}: '{trimmed}' is not true or false");
            case OptionValueKind.Text:
                return trimmed;
            case OptionValueKind.TextList:
                return new[] { trimmed };
            default:
                var name = Enum.GetNames(ValueType).FirstOrDefault(n => string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase));
                if (name is not null) return Enum.Parse(ValueType, name);
                throw new FormatException($"{Key}: unknown value '{trimmed}' (expected {string.Join(", ", Choices)})");
        }
    }

    /// <summary>Parses a list value (YAML sequence or repeated command-line option).</summary>
    public object? ParseList(IEnumerable<string> items)
    {
        if (Kind != OptionValueKind.TextList) throw new FormatException($"{Key} takes a single value ({TypeName}), not a list");
        return items.Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
    }

    public JsonNode? ToJson(TrainOptions options) => ValueToJson(GetValue(options));

    /// <summary>Canonical JSON text of the value: equal values give equal text.</summary>
    public string ToJsonText(TrainOptions options) => ToJson(options)?.ToJsonString() ?? "null";

    public JsonNode? ValueToJson(object? value) => value switch
    {
        null => null,
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        IReadOnlyList<string> list => new JsonArray(list.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        Enum e => JsonValue.Create(e.ToString().ToLowerInvariant()),
        _ => throw new InvalidOperationException($"Unexpected value {value} for {Key}"),
    };

    /// <summary>Reads a value back from its JSON form (run.json); unreadable values come back as their JSON text.</summary>
    public object? FromJson(JsonNode? node)
    {
        if (node is null) return null;
        try
        {
            return Kind switch
            {
                OptionValueKind.Integer => node.GetValue<int>(),
                OptionValueKind.Number => node.GetValue<double>(),
                OptionValueKind.Boolean => node.GetValue<bool>(),
                OptionValueKind.Text => node.GetValue<string>(),
                OptionValueKind.TextList => node.AsArray().Select(n => n!.GetValue<string>()).ToArray(),
                _ => ParseScalar(node.GetValue<string>()),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return node.ToJsonString();
        }
    }

    /// <summary>The value as a person (and Python) would print it: 2e-05, 0.01, true, [a, b], null.</summary>
    public string FormatValue(object? value) => ConfigValueText.Format(value);
}

/// <summary>Formats option values the way Python prints them, so messages read like Hugging Face's.</summary>
public static class ConfigValueText
{
    public static string Format(object? value) => value switch
    {
        null => "null",
        double d => FormatDouble(d),
        bool b => b ? "true" : "false",
        Enum e => e.ToString().ToLowerInvariant(),
        string s => s,
        IEnumerable<string> list => "[" + string.Join(", ", list) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Python repr of a float: shortest round-trip digits, exponent as e-05, whole numbers as 1.0.</summary>
    public static string FormatDouble(double d)
    {
        if (!double.IsFinite(d)) return double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
        var text = d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        if (text.Contains('e')) return text;
        return text.Contains('.') ? text : text + ".0";
    }
}

/// <summary>The catalogue of every <see cref="TrainOptions"/> key, in declaration order.</summary>
public static class TrainOptionFields
{
    public static IReadOnlyList<TrainOptionField> All { get; } = typeof(TrainOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (Property: p, Attribute: p.GetCustomAttribute<TrainOptionAttribute>()))
        .Where(x => x.Attribute is not null)
        .OrderBy(x => x.Property.MetadataToken)
        .Select(x => new TrainOptionField(x.Property, x.Attribute!))
        .ToArray();

    private static readonly Dictionary<string, TrainOptionField> ByKey = All.ToDictionary(f => f.Key, StringComparer.Ordinal);

    public static TrainOptionField? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>The closest known key, for "did you mean" hints (edit distance at most 3).</summary>
    public static string? Suggest(string key)
    {
        var normalized = key.Replace('-', '_').ToLowerInvariant();
        if (ByKey.ContainsKey(normalized)) return normalized;
        var best = All.Select(f => (f.Key, Distance: EditDistance(normalized, f.Key))).MinBy(x => x.Distance);
        return best.Distance <= 3 ? best.Key : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
