using System.Text.Json;
using Orchestrator.Shared.Data.Readers;

namespace Orchestrator.Shared.Data;

/// <summary>
/// The raw text of data files of any supported format, for building a vocabulary: CoNLL words, JSONL
/// `tokens` and text fields, TSV/CSV text columns (found by the usual header names). Labels are left out.
/// </summary>
public static class CorpusText
{
    /// <summary>Split files of each folder, or the files themselves.</summary>
    public static IEnumerable<string> Files(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var folder = DatasetFolder.Open(path);
                foreach (var file in folder.Files.OrderBy(f => f.Key).Select(f => f.Value))
                    yield return file;
            }
            else
            {
                DatasetFolder.FormatOf(path);
                yield return path;
            }
        }
    }

    public static IEnumerable<string> Texts(string file)
    {
        switch (DatasetFolder.FormatOf(file))
        {
            case FileFormat.Conll:
                foreach (var raw in StrictLineReader.Read(file))
                {
                    if (raw.Error is not null)
                        throw raw.Error;
                    var fields = raw.Text!.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 0 && fields[0] != "-DOCSTART-")
                        yield return fields[0];
                }
                break;
            case FileFormat.JsonLines:
                foreach (var record in JsonLines.Read(file))
                {
                    if (record.Error is not null)
                        throw record.Error;
                    foreach (var property in record.Root!.Value.EnumerateObject())
                    {
                        if (property.Name == "tokens" && property.Value.ValueKind == JsonValueKind.Array)
                        {
                            foreach (var token in property.Value.EnumerateArray())
                                if (token.ValueKind == JsonValueKind.String)
                                    yield return token.GetString()!;
                        }
                        else if (IsTextColumn(property.Name) && property.Value.ValueKind == JsonValueKind.String)
                            yield return property.Value.GetString()!;
                    }
                }
                break;
            case var format:
                int[]? columns = null;
                foreach (var record in format == FileFormat.Tsv ? DelimitedRecords.ReadTsv(file) : DelimitedRecords.ReadCsv(file))
                {
                    if (record.Error is not null)
                        throw record.Error;
                    var fields = record.Fields!;
                    if (columns is null)
                    {
                        columns = Enumerable.Range(0, fields.Length).Where(i => IsTextColumn(fields[i].Trim())).ToArray();
                        if (columns.Length == 0)
                            throw new DataFormatException(file, record.Line, "header", "no text column (text, sentence, sentence1, #1 String, ...)");
                        continue;
                    }
                    foreach (var c in columns)
                        if (c < fields.Length)
                            yield return fields[c];
                }
                break;
        }
    }

    private static bool IsTextColumn(string name) =>
        ClassificationOptions.TextNames.Contains(name) || ClassificationOptions.PairNames.Contains(name);
}
