using Orchestrator.Shared.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Orchestrator.Shared.Data.Readers;

namespace Orchestrator.Shared.Data;

/// <summary>
/// The ordered label names of a task; a label's id is its position. Built from a labels file, a Hugging
/// Face `dataset_info.json`, or collected from the training split in a stable order (see <see cref="Collect"/>).
/// </summary>
public sealed class LabelSet
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _ids;

    public LabelSet(IEnumerable<string> names)
    {
        _names = names.ToArray();
        if (_names.Length == 0)
            throw new ArgumentException("a label set needs at least one label", nameof(names));
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(_names[i]))
                throw new ArgumentException($"label {i} is empty", nameof(names));
            if (!_ids.TryAdd(_names[i], i))
                throw new ArgumentException($"label '{_names[i]}' appears twice", nameof(names));
        }
    }

    public IReadOnlyList<string> Names => _names;
    public int Count => _names.Length;
    public string this[int id] => _names[id];
    public bool Contains(string name) => _ids.ContainsKey(name);
    public bool TryGetId(string name, out int id) => _ids.TryGetValue(name, out id);

    public int Id(string name) =>
        _ids.TryGetValue(name, out var id) ? id : throw new KeyNotFoundException($"unknown label '{name}' (known: {string.Join(", ", _names)})");

    /// <summary>
    /// The stable order used when no labels file is given.
    /// IOB tags: `O` first, then per entity type in ordinal order of the type name: B-X, I-X (both always
    /// present so sub-tokens can be relabelled), then E-X, S-X if seen. Example: O, B-LOC, I-LOC, B-MISC,
    /// I-MISC, B-ORG, I-ORG, B-PER, I-PER. (CoNLL-2003's own order O, B-PER, I-PER, ... is not derivable
    /// from data; pass a labels file to get it.)
    /// Anything else (POS tags, classification labels): all integers -> numeric order; otherwise ordinal order.
    /// </summary>
    public static LabelSet Collect(IEnumerable<string> seen)
    {
        var distinct = new HashSet<string>(seen, StringComparer.Ordinal);
        if (distinct.Count == 0)
            throw new ArgumentException("no labels were seen");
        bool iob = distinct.All(n => Iob.IsOutside(n) || Iob.Parse(n) is not null) && distinct.Any(n => Iob.Parse(n) is not null);
        if (iob)
        {
            var ordered = new List<string> { "O" };
            var types = distinct.Select(Iob.Parse).OfType<(char Prefix, string Type)>().GroupBy(p => p.Type)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var type in types)
            {
                ordered.Add("B-" + type.Key);
                ordered.Add("I-" + type.Key);
                foreach (var prefix in new[] { 'E', 'S' })
                    if (type.Any(p => p.Prefix == prefix))
                        ordered.Add(prefix + "-" + type.Key);
            }
            return new LabelSet(ordered);
        }
        if (distinct.All(n => long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
            return new LabelSet(distinct.OrderBy(n => long.Parse(n, CultureInfo.InvariantCulture)));
        return new LabelSet(distinct.OrderBy(n => n, StringComparer.Ordinal));
    }

    /// <summary>Reads a labels file: one label per line, blank lines ignored.</summary>
    public static LabelSet Load(string path)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in StrictLineReader.Read(path))
        {
            if (line.Error is not null)
                throw line.Error;
            var name = line.Text!.Trim();
            if (name.Length == 0)
                continue;
            if (!seen.Add(name))
                throw new DataFormatException(path, line.Number, "label", $"'{name}' appears twice");
            names.Add(name);
        }
        if (names.Count == 0)
            throw new DataFormatException(path, 0, "file", "has no labels");
        return new LabelSet(names);
    }

    /// <summary>
    /// Reads the label names of a ClassLabel feature from a Hugging Face `dataset_info.json`:
    /// `features.&lt;feature&gt;.feature.names` for sequences (ner_tags) or `features.&lt;feature&gt;.names`.
    /// </summary>
    public static LabelSet LoadDatasetInfo(string path, string feature)
    {
        using var stream = StrictLineReader.Open(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, (int)(e.LineNumber ?? -1) + 1, "json", e.Message, e);
        }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(path, 0, "features", "missing");
            if (!features.TryGetProperty(feature, out var f))
                throw new DataFormatException(path, 0, $"features.{feature}", "missing");
            var holder = f.TryGetProperty("feature", out var inner) ? inner : f;
            if (!holder.TryGetProperty("names", out var names) || names.ValueKind != JsonValueKind.Array)
                throw new DataFormatException(path, 0, $"features.{feature}.feature.names", "missing (not a ClassLabel feature)");
            var list = names.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString()! :
                throw new DataFormatException(path, 0, $"features.{feature}.feature.names", "must hold strings")).ToList();
            if (list.Count == 0)
                throw new DataFormatException(path, 0, $"features.{feature}.feature.names", "is empty");
            return new LabelSet(list);
        }
    }

    /// <summary>Writes one label per line (temp file, then rename).</summary>
    public void Save(string path)
    {
        var text = string.Concat(_names.Select(n => n + "\n"));
        AtomicFile.WriteAllText(path, text);
    }

    public override string ToString() => string.Join(", ", _names);
}
