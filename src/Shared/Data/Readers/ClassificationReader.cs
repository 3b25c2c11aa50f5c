using System.Text.Json;

namespace Orchestrator.Shared.Data.Readers;

/// <summary>
/// Which columns (TSV/CSV header names) or fields (JSONL) hold the text, the optional second text and
/// the label. Null means: the first present of the usual names, e.g. MRPC `#1 String`, `#2 String`,
/// `Quality`; GLUE `sentence1`, `sentence2`, `label`; IMDB `text`, `label`.
/// </summary>
public sealed record ClassificationOptions
{
    public string? TextColumn { get; init; }
    public string? PairColumn { get; init; }
    /// <summary>Ignore any second-text column even if one of the usual names is present.</summary>
    public bool SingleText { get; init; }
    public string? LabelColumn { get; init; }
    public ReaderOptions Reader { get; init; } = new();

    internal static readonly string[] TextNames = { "text", "sentence", "sentence1", "#1 String", "question1", "premise", "question" };
    internal static readonly string[] PairNames = { "text_pair", "sentence2", "#2 String", "question2", "hypothesis" };
    internal static readonly string[] LabelNames = { "label", "Quality", "labels" };
}

/// <summary>Streams classification examples from TSV (GLUE), CSV (RFC 4180) or JSON Lines files.</summary>
public static class ClassificationReader
{
    public static IEnumerable<ClassificationExample> ReadTsv(string path, ClassificationOptions? options = null, ReadReport? report = null) =>
        ReadDelimited(path, DelimitedRecords.ReadTsv(path), options ?? new(), report ?? new());

    public static IEnumerable<ClassificationExample> ReadCsv(string path, ClassificationOptions? options = null, ReadReport? report = null) =>
        ReadDelimited(path, DelimitedRecords.ReadCsv(path), options ?? new(), report ?? new());

    private static IEnumerable<ClassificationExample> ReadDelimited(string path, IEnumerable<DelimitedRecords.Record> records,
        ClassificationOptions options, ReadReport report)
    {
        string[]? header = null;
        int text = -1, pair = -1, label = -1;
        foreach (var record in records)
        {
            if (header is null)
            {
                if (record.Error is not null)
                    throw record.Error;
                header = record.Fields!.Select(f => f.Trim()).ToArray();
                text = Column(path, record.Line, header, options.TextColumn, ClassificationOptions.TextNames, "text");
                pair = options.SingleText ? -1 : options.PairColumn is null
                    ? Array.FindIndex(header, h => ClassificationOptions.PairNames.Contains(h))
                    : Column(path, record.Line, header, options.PairColumn, ClassificationOptions.PairNames, "text pair");
                label = Column(path, record.Line, header, options.LabelColumn, ClassificationOptions.LabelNames, "label");
                continue;
            }
            var error = record.Error;
            ClassificationExample? example = null;
            if (error is null)
            {
                var fields = record.Fields!;
                if (fields.Length != header.Length)
                    error = new DataFormatException(path, record.Line, "columns", $"found {fields.Length} columns, expected {header.Length} like the header");
                else
                {
                    try
                    {
                        example = new ClassificationExample(
                            TextFields.NonEmpty(path, record.Line, header[text], fields[text]),
                            pair < 0 ? null : TextFields.NonEmpty(path, record.Line, header[pair], fields[pair]),
                            Label(path, record.Line, header[label], fields[label].Trim(), options.Reader.Labels),
                            new SourceLocation(path, record.Line));
                    }
                    catch (DataFormatException e)
                    {
                        error = e;
                    }
                }
            }
            if (!report.Accept(error, options.Reader.SkipBadLines)) continue;
            yield return example!;
        }
        if (header is null)
            throw new DataFormatException(path, 0, "file", "has no header");
    }

    public static IEnumerable<ClassificationExample> ReadJsonl(string path, ClassificationOptions? options = null, ReadReport? report = null)
    {
        options ??= new ClassificationOptions();
        report ??= new ReadReport();
        string? textField = options.TextColumn, pairField = options.PairColumn, labelField = options.LabelColumn;
        bool resolved = false;
        foreach (var record in JsonLines.Read(path))
        {
            var error = record.Error;
            ClassificationExample? example = null;
            if (error is null)
            {
                var root = record.Root!.Value;
                if (!resolved)
                {
                    // The first record decides the field names, like a header.
                    var names = root.EnumerateObject().Select(p => p.Name).ToArray();
                    textField ??= ClassificationOptions.TextNames.FirstOrDefault(names.Contains) ?? "text";
                    labelField ??= ClassificationOptions.LabelNames.FirstOrDefault(names.Contains) ?? "label";
                    pairField = options.SingleText ? null : pairField ?? ClassificationOptions.PairNames.FirstOrDefault(names.Contains);
                    resolved = true;
                }
                try
                {
                    example = new ClassificationExample(
                        TextFields.FromJson(path, record.Line, root, textField!),
                        pairField is null ? null : TextFields.FromJson(path, record.Line, root, pairField),
                        JsonLabel(path, record.Line, root, labelField!, options.Reader.Labels),
                        new SourceLocation(path, record.Line));
                }
                catch (DataFormatException e)
                {
                    error = e;
                }
            }
            if (!report.Accept(error, options.Reader.SkipBadLines)) continue;
            yield return example!;
        }
    }

    private static int Column(string path, int line, string[] header, string? wanted, string[] usual, string role)
    {
        if (wanted is not null)
        {
            var index = Array.IndexOf(header, wanted);
            return index >= 0 ? index : throw new DataFormatException(path, line, "header", $"{role} column '{wanted}' not found (columns: {string.Join(", ", header)})");
        }
        var found = Array.FindIndex(header, h => usual.Contains(h));
        return found >= 0 ? found : throw new DataFormatException(path, line, "header",
            $"no {role} column: expected one of {string.Join(", ", usual)} (columns: {string.Join(", ", header)}); name it with the column option");
    }


    private static string Label(string path, int line, string field, string value, LabelSet? labels)
    {
        if (value.Length == 0)
            throw new DataFormatException(path, line, field, "empty label");
        if (labels is null || labels.Contains(value))
            return value;
        // An integer label indexes a label set of names (IMDB's 0/1 with labels.txt `neg`, `pos`).
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && id < labels.Count && !labels.Names.Any(n => int.TryParse(n, out _)))
            return labels[id];
        throw new DataFormatException(path, line, field, $"unknown label '{value}' (known: {labels})");
    }


    /// <summary>JSON labels may be names or integers; integers are kept as their decimal text (class "0", "1"),
    /// and only read as an index into the label set when the set's names are not themselves integers.</summary>
    private static string JsonLabel(string path, int line, JsonElement root, string field, LabelSet? labels)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new DataFormatException(path, line, field, "missing");
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var id))
        {
            return Label(path, line, field, id.ToString(System.Globalization.CultureInfo.InvariantCulture), labels);
        }
        if (value.ValueKind == JsonValueKind.String)
            return Label(path, line, field, value.GetString()!.Trim(), labels);
        throw new DataFormatException(path, line, field, $"expected a label name or integer, found {value.ValueKind} {value.GetRawText()}");
    }
}
