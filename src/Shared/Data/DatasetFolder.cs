namespace Orchestrator.Shared.Data;

public enum Split
{
    Train,
    Validation,
    Test,
}

public enum FileFormat
{
    Conll,
    JsonLines,
    Tsv,
    Csv,
}

/// <summary>
/// A dataset folder: split files found by name (train; validation, or dev/valid/val; test) with any
/// supported extension. A single file given instead of a folder is the train split.
/// </summary>
public sealed class DatasetFolder
{
    public static readonly IReadOnlyDictionary<string, FileFormat> Extensions = new Dictionary<string, FileFormat>(StringComparer.OrdinalIgnoreCase)
    {
        [".conll"] = FileFormat.Conll,
        [".conllx"] = FileFormat.Conll,
        [".iob"] = FileFormat.Conll,
        [".txt"] = FileFormat.Conll,
        [".jsonl"] = FileFormat.JsonLines,
        [".json"] = FileFormat.JsonLines,
        [".tsv"] = FileFormat.Tsv,
        [".csv"] = FileFormat.Csv,
    };

    private static readonly IReadOnlyDictionary<Split, string[]> Names = new Dictionary<Split, string[]>
    {
        [Split.Train] = new[] { "train" },
        [Split.Validation] = new[] { "validation", "dev", "valid", "val" },
        [Split.Test] = new[] { "test" },
    };

    private readonly Dictionary<Split, string> _files;

    private DatasetFolder(string root, Dictionary<Split, string> files)
    {
        Root = root;
        _files = files;
    }

    /// <summary>The folder (or, for a single file, its folder).</summary>
    public string Root { get; }
    public IReadOnlyDictionary<Split, string> Files => _files;

    public static DatasetFolder Open(string path)
    {
        if (File.Exists(path))
        {
            FormatOf(path);
            return new DatasetFolder(Path.GetDirectoryName(Path.GetFullPath(path))!, new() { [Split.Train] = path });
        }
        if (!Directory.Exists(path))
            throw new DataFormatException(path, 0, "data", "no such file or folder");
        var files = new Dictionary<Split, string>();
        foreach (var (split, names) in Names)
        {
            var matches = Directory.EnumerateFiles(path)
                .Where(f => Extensions.ContainsKey(Path.GetExtension(f)) && names.Contains(Path.GetFileNameWithoutExtension(f), StringComparer.OrdinalIgnoreCase))
                .OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (matches.Count > 1)
                throw new DataFormatException(path, 0, split.ToString().ToLowerInvariant(),
                    $"several files for one split: {string.Join(", ", matches.Select(Path.GetFileName))}; keep one");
            if (matches.Count == 1)
                files[split] = matches[0];
        }
        if (!files.ContainsKey(Split.Train))
            throw new DataFormatException(path, 0, "train", $"no train file (train{string.Join("|train", Extensions.Keys)})");
        return new DatasetFolder(path, files);
    }

    public string Require(Split split) => _files.TryGetValue(split, out var file) ? file
        : throw new DataFormatException(Root, 0, split.ToString().ToLowerInvariant(), $"no {split.ToString().ToLowerInvariant()} file in the data folder");

    public static FileFormat FormatOf(string file) => Extensions.TryGetValue(Path.GetExtension(file), out var format) ? format
        : throw new DataFormatException(file, 0, "file", $"unsupported extension '{Path.GetExtension(file)}' (supported: {string.Join(", ", Extensions.Keys)})");
}
