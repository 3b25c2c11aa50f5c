using System.Text.Json;

namespace Orchestrator.Shared.Data.Readers;

/// <summary>Options for token-classification JSON Lines (what `datasets.Dataset.to_json` writes).</summary>
public sealed record JsonlTokenOptions
{
    public DataTask Task { get; init; } = DataTask.Ner;
    public string TokensField { get; init; } = "tokens";
    /// <summary>Null picks the task's field: ner_tags, pos_tags or chunk_tags.</summary>
    public string? TagsField { get; init; }
    /// <summary>
    /// Integer tags are label ids into <see cref="ReaderOptions.Labels"/> (from labels.txt or
    /// dataset_info.json); string tags are label names. Without a label set, integer tags are an error,
    /// since their names cannot be known.
    /// </summary>
    public ReaderOptions Reader { get; init; } = new();

    /// <summary>Rewrite IOB1 tags to IOB2; the label set is checked after the rewrite.</summary>
    public bool ConvertIob1ToIob2 { get; init; }

    public string ResolvedTagsField => TagsField ?? Task switch
    {
        DataTask.Ner => "ner_tags",
        DataTask.Pos => "pos_tags",
        DataTask.Chunk => "chunk_tags",
        _ => throw new ArgumentException($"token JSON Lines hold tags for token tasks, not {Task}"),
    };
}

/// <summary>Streams `{"tokens": [...], "ner_tags": [...]}` records.</summary>
public static class JsonlTokenReader
{
    public static IEnumerable<TokenExample> Read(string path, JsonlTokenOptions? options = null, ReadReport? report = null)
    {
        options ??= new JsonlTokenOptions();
        report ??= new ReadReport();
        var tagsField = options.ResolvedTagsField;
        foreach (var record in JsonLines.Read(path))
        {
            TokenExample? example = null;
            var error = record.Error;
            if (error is null)
            {
                try
                {
                    example = Parse(path, record.Line, record.Root!.Value, options, tagsField);
                }
                catch (DataFormatException e) when (e.Line > 0)
                {
                    error = e;
                }
            }
            if (!report.Accept(error, options.Reader.SkipBadLines)) continue;
            yield return example!;
        }
    }

    private static TokenExample Parse(string path, int line, JsonElement root, JsonlTokenOptions options, string tagsField)
    {
        var tokens = Array(path, line, root, options.TokensField);
        var tags = Array(path, line, root, tagsField);
        if (tokens.Count == 0)
            throw new DataFormatException(path, line, options.TokensField, "empty sentence (no tokens)");
        if (tokens.Count != tags.Count)
            throw new DataFormatException(path, line, tagsField, $"{tags.Count} tags for {tokens.Count} tokens");
        var words = new string[tokens.Count];
        var names = new string[tags.Count];
        var labels = options.Reader.Labels;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].ValueKind != JsonValueKind.String)
                throw new DataFormatException(path, line, $"{options.TokensField}[{i}]", $"expected a string, found {tokens[i].ValueKind}");
            words[i] = tokens[i].GetString()!;
            if (words[i].Length == 0 || words[i].All(char.IsWhiteSpace))
                throw new DataFormatException(path, line, $"{options.TokensField}[{i}]", "empty token");
            if (tags[i].ValueKind == JsonValueKind.Number && labels is null)
                throw new DataFormatException(path, line, $"{tagsField}[{i}]",
                    "integer tags need label names: put a labels.txt or dataset_info.json next to the data");
            // Names are checked against the label set after any IOB1 rewrite, ids right away.
            names[i] = JsonLines.LabelValue(path, line, $"{tagsField}[{i}]", tags[i],
                options.ConvertIob1ToIob2 && tags[i].ValueKind == JsonValueKind.String ? null : labels);
        }
        if (options.ConvertIob1ToIob2)
        {
            names = Iob.Iob1ToIob2(names);
            for (int i = 0; labels is not null && i < names.Length; i++)
                if (!labels.Contains(names[i]))
                    throw new DataFormatException(path, line, $"{tagsField}[{i}]", $"unknown label '{names[i]}' after IOB1 to IOB2 conversion (known: {labels})");
        }
        return new TokenExample(words, names, new SourceLocation(path, line));
    }

    private static List<JsonElement> Array(string path, int line, JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new DataFormatException(path, line, field, "missing");
        if (value.ValueKind != JsonValueKind.Array)
            throw new DataFormatException(path, line, field, $"expected an array, found {value.ValueKind}");
        return value.EnumerateArray().ToList();
    }
}
