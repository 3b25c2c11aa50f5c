namespace Orchestrator.Shared.Data.Readers;

/// <summary>Options for CoNLL column files.</summary>
public sealed record ConllOptions
{
    /// <summary>0-based column holding the tag; null picks the task's column (see <see cref="ConllReader.ColumnFor"/>).</summary>
    public int? TagColumn { get; init; }
    public DataTask Task { get; init; } = DataTask.Ner;
    /// <summary>Rewrite IOB1 tags (CoNLL-2003 as distributed) to IOB2 before anything else sees them.</summary>
    public bool ConvertIob1ToIob2 { get; init; }
    public ReaderOptions Reader { get; init; } = new();
}

/// <summary>
/// Streams sentences from a CoNLL column file (CoNLL-2003 layout `word POS chunk NER`, fields separated
/// by spaces or tabs, one token per line, blank lines between sentences, `-DOCSTART-` lines skipped).
/// Every token line must have the column count of the file's first token line.
/// </summary>
public static class ConllReader
{
    /// <summary>The CoNLL-2003 column of a task: pos 1, chunk 2, ner the last column (3 in CoNLL-2003).</summary>
    public static int ColumnFor(DataTask task, int columnCount) => task switch
    {
        DataTask.Pos => 1,
        DataTask.Chunk => 2,
        DataTask.Ner => columnCount - 1,
        _ => throw new ArgumentException($"CoNLL files hold tags for token tasks, not {task}"),
    };

    private static readonly char[] Separators = { ' ', '\t' };

    public static IEnumerable<TokenExample> Read(string path, ConllOptions? options = null, ReadReport? report = null)
    {
        options ??= new ConllOptions();
        report ??= new ReadReport();
        var labels = options.Reader.Labels;
        var words = new List<string>();
        var tags = new List<string>();
        int sentenceLine = 0, columnCount = -1, tagColumn = -1;
        DataFormatException? sentenceError = null;
        bool sawToken = false;

        foreach (var raw in StrictLineReader.Read(path))
        {
            if (raw.Error is not null)
            {
                sentenceError ??= raw.Error;
                if (sentenceLine == 0) sentenceLine = raw.Number;
                continue;
            }
            var line = raw.Text!;
            if (line.Trim().Length == 0)
            {
                var example = Finish();
                if (example is not null)
                    yield return example;
                continue;
            }
            var fields = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            if (fields[0] == "-DOCSTART-")
                continue;
            sawToken = true;
            if (sentenceLine == 0)
                sentenceLine = raw.Number;
            if (sentenceError is not null)
                continue;
            if (columnCount < 0)
            {
                columnCount = fields.Length;
                tagColumn = options.TagColumn ?? ColumnFor(options.Task, columnCount);
                if (columnCount < 2)
                    throw new DataFormatException(path, raw.Number, "columns", $"found {columnCount} column, need a word and at least one tag column");
                if (tagColumn < 0 || tagColumn >= columnCount)
                    throw new DataFormatException(path, raw.Number, "columns", $"tag column {tagColumn + 1} ({options.Task}) does not exist: the file has {columnCount} columns");
            }
            if (fields.Length != columnCount)
            {
                sentenceError = new DataFormatException(path, raw.Number, "columns", $"found {fields.Length} columns, expected {columnCount} like the first token line");
                continue;
            }
            words.Add(fields[0]);
            tags.Add(fields[tagColumn]);
            if (!options.ConvertIob1ToIob2 && labels is not null && !labels.Contains(fields[tagColumn]))
                sentenceError = UnknownLabel(path, raw.Number, tagColumn, fields[tagColumn], labels);
        }
        var last = Finish();
        if (last is not null)
            yield return last;
        if (!sawToken)
            throw new DataFormatException(path, 0, "file", "has no sentences");

        TokenExample? Finish()
        {
            if (words.Count == 0 && sentenceError is null)
            {
                sentenceLine = 0;
                return null;
            }
            var result = sentenceError is null ? Build() : null;
            var error = sentenceError;
            words.Clear();
            tags.Clear();
            sentenceError = null;
            sentenceLine = 0;
            return report.Accept(error, options.Reader.SkipBadLines) ? result : null;

            TokenExample? Build()
            {
                var finalTags = options.ConvertIob1ToIob2 ? Iob.Iob1ToIob2(tags) : tags.ToArray();
                if (options.ConvertIob1ToIob2 && labels is not null)
                {
                    for (int i = 0; i < finalTags.Length; i++)
                        if (!labels.Contains(finalTags[i]))
                        {
                            sentenceError = UnknownLabel(path, sentenceLine + i, tagColumn, finalTags[i], labels);
                            return null;
                        }
                }
                return new TokenExample(words.ToArray(), finalTags, new SourceLocation(path, sentenceLine));
            }
        }
    }

    private static DataFormatException UnknownLabel(string path, int line, int column, string tag, LabelSet labels) =>
        new(path, line, $"column {column + 1} (tag)", $"unknown label '{tag}' (known: {labels})");
}
