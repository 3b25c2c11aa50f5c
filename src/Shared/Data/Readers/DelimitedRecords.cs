using System.Text;

namespace Orchestrator.Shared.Data.Readers;

/// <summary>
/// Splits a file into records of fields. TSV is GLUE-style: tab-separated, no quoting (MRPC strings hold
/// bare quotes). CSV follows RFC 4180: comma-separated, fields may be quoted with "", a quoted field may
/// hold commas, doubled quotes and line breaks; a record's line is the line it starts on.
/// </summary>
internal static class DelimitedRecords
{
    public readonly record struct Record(int Line, string[]? Fields, DataFormatException? Error);

    public static IEnumerable<Record> ReadTsv(string path)
    {
        foreach (var raw in StrictLineReader.Read(path))
        {
            if (raw.Error is not null)
                yield return new Record(raw.Number, null, raw.Error);
            else if (raw.Text!.Length > 0)
                yield return new Record(raw.Number, raw.Text.Split('\t'), null);
        }
    }

    public static IEnumerable<Record> ReadCsv(string path)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool inQuotes = false, afterQuote = false, fieldWasQuoted = false;
        int recordLine = 0;
        DataFormatException? error = null;

        foreach (var raw in StrictLineReader.Read(path))
        {
            if (raw.Error is not null)
            {
                if (!inQuotes)
                {
                    yield return new Record(raw.Number, null, raw.Error);
                    continue;
                }
                error ??= raw.Error;
                continue;
            }
            var text = raw.Text!;
            if (!inQuotes)
            {
                if (text.Length == 0)
                    continue;
                recordLine = raw.Number;
            }
            else
            {
                field.Append('\n');
            }
            for (int i = 0; i < text.Length && error is null; i++)
            {
                char c = text[i];
                if (inQuotes)
                {
                    if (c != '"')
                        field.Append(c);
                    else if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                        afterQuote = true;
                    }
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    afterQuote = fieldWasQuoted = false;
                }
                else if (afterQuote)
                {
                    error = new DataFormatException(path, raw.Number, $"field {fields.Count + 1}", $"unexpected '{c}' after a closing quote (a quote inside a quoted field is written \"\")");
                }
                else if (c == '"' && field.Length == 0 && !fieldWasQuoted)
                {
                    inQuotes = fieldWasQuoted = true;
                }
                else
                {
                    field.Append(c);
                }
            }
            if (inQuotes && error is null)
                continue;
            fields.Add(field.ToString());
            field.Clear();
            afterQuote = fieldWasQuoted = inQuotes = false;
            yield return error is null ? new Record(recordLine, fields.ToArray(), null) : new Record(recordLine, null, error);
            fields.Clear();
            error = null;
        }
        if (inQuotes)
            yield return new Record(recordLine, null, new DataFormatException(path, recordLine, $"field {fields.Count + 1}", "quoted field is never closed"));
    }
}
