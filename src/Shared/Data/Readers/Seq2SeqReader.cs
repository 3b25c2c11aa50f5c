using System.Text.Json;

namespace Orchestrator.Shared.Data.Readers;

/// <summary>
/// Which columns (TSV/CSV header names) or fields (JSONL) a sequence-to-sequence example is made of: the input
/// columns, encoded as one text or a pair (the tutorial's `tokenizer(context, question)`), and the target column.
/// </summary>
public sealed record Seq2SeqColumns
{
    public static readonly IReadOnlyList<string> DefaultInputColumns = ["context", "question"];
    public const string DefaultTargetColumn = "text";

    /// <summary>One column (a single text) or two (a pair, truncated only_first); the tutorial's context and question.</summary>
    public IReadOnlyList<string> InputColumns { get; init; } = DefaultInputColumns;
    public string TargetColumn { get; init; } = DefaultTargetColumn;
    public ReaderOptions Reader { get; init; } = new();
}

/// <summary>
/// Streams sequence-to-sequence examples from TSV, CSV (RFC 4180) or JSON Lines files; every error names its line
/// and column. An empty target is an error too: it would teach the model to stop at once, and cannot be scored.
/// </summary>
public static class Seq2SeqReader
{
    public static IEnumerable<Seq2SeqExample> ReadTsv(string path, Seq2SeqColumns? columns = null, ReadReport? report = null) =>
        ReadDelimited(path, DelimitedRecords.ReadTsv(path), columns ?? new(), report ?? new());

    public static IEnumerable<Seq2SeqExample> ReadCsv(string path, Seq2SeqColumns? columns = null, ReadReport? report = null) =>
        ReadDelimited(path, DelimitedRecords.ReadCsv(path), columns ?? new(), report ?? new());

    private static IEnumerable<Seq2SeqExample> ReadDelimited(string path, IEnumerable<DelimitedRecords.Record> records, Seq2SeqColumns columns, ReadReport report)
    {
        string[]? header = null;
        int[] inputs = [];
        int target = -1;
        foreach (var record in records)
        {
            if (header is null)
            {
                if (record.Error is not null) throw record.Error;
                header = record.Fields!.Select(f => f.Trim()).ToArray();
                inputs = columns.InputColumns.Select(c => Column(path, record.Line, header, c, "input")).ToArray();
                target = Column(path, record.Line, header, columns.TargetColumn, "target");
                continue;
            }
            var error = record.Error;
            Seq2SeqExample? example = null;
            if (error is null)
            {
                var fields = record.Fields!;
                if (fields.Length != header.Length)
                    error = new DataFormatException(path, record.Line, "columns", $"found {fields.Length} columns, expected {header.Length} like the header");
                else
                {
                    try
                    {
                        example = new Seq2SeqExample(
                            inputs.Select(i => TextFields.NonEmpty(path, record.Line, header[i], fields[i])).ToArray(),
                            TextFields.NonEmpty(path, record.Line, header[target], fields[target]),
                            new SourceLocation(path, record.Line));
                    }
                    catch (DataFormatException e)
                    {
                        error = e;
                    }
                }
            }
            if (!report.Accept(error, columns.Reader.SkipBadLines)) continue;
            yield return example!;
        }
        if (header is null)
            throw new DataFormatException(path, 0, "file", "has no header");
    }

    public static IEnumerable<Seq2SeqExample> ReadJsonl(string path, Seq2SeqColumns? columns = null, ReadReport? report = null)
    {
        columns ??= new Seq2SeqColumns();
        report ??= new ReadReport();
        foreach (var record in JsonLines.Read(path))
        {
            var error = record.Error;
            Seq2SeqExample? example = null;
            if (error is null)
            {
                var root = record.Root!.Value;
                try
                {
                    example = new Seq2SeqExample(
                        columns.InputColumns.Select(field => TextFields.FromJson(path, record.Line, root, field)).ToArray(),
                        TextFields.FromJson(path, record.Line, root, columns.TargetColumn),
                        new SourceLocation(path, record.Line));
                }
                catch (DataFormatException e)
                {
                    error = e;
                }
            }
            if (!report.Accept(error, columns.Reader.SkipBadLines)) continue;
            yield return example!;
        }
    }

    private static int Column(string path, int line, string[] header, string wanted, string role)
    {
        var index = Array.IndexOf(header, wanted);
        return index >= 0 ? index : throw new DataFormatException(path, line, "header",
            $"{role} column '{wanted}' not found (columns: {string.Join(", ", header)}); name the columns with input_columns and target_column");
    }


}
