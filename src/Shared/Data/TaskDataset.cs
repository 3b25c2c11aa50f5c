using Orchestrator.Shared.Data.Readers;

namespace Orchestrator.Shared.Data;

/// <summary>How to read a dataset folder for a task.</summary>
public sealed record DataOptions
{
    public DataTask Task { get; init; } = DataTask.Ner;
    /// <summary>CoNLL: 0-based tag column overriding the task's column.</summary>
    public int? TagColumn { get; init; }
    /// <summary>JSONL: the tags field overriding ner_tags/pos_tags/chunk_tags.</summary>
    public string? TagsField { get; init; }
    public bool ConvertIob1ToIob2 { get; init; }
    public bool SkipBadLines { get; init; }
    /// <summary>A labels file overriding the folder's labels.txt / dataset_info.json / collection from train.</summary>
    public string? LabelsFile { get; init; }
    /// <summary>Classification columns (text, pair, label).</summary>
    public ClassificationOptions Columns { get; init; } = new();
    /// <summary>Sequence to sequence: the input and target columns.</summary>
    public Seq2SeqColumns Seq2SeqColumns { get; init; } = new();

    public bool IsTokenTask => Task is DataTask.Ner or DataTask.Pos or DataTask.Chunk;
}

/// <summary>
/// A dataset folder read for one task, with its label set resolved in this order: the labels file
/// option; `&lt;task&gt;.labels.txt` (ner, pos, chunk, classification) in the folder; `labels.txt` in the
/// folder (not for pos and chunk: it holds a CoNLL folder's NER labels); the tag feature's names in
/// `dataset_info.json`; otherwise the
/// labels seen in the train split, in <see cref="LabelSet.Collect"/>'s stable order. Other splits are then
/// checked against it: a label not in the set is an error naming the file and line. Sequence-to-sequence data has no
/// labels (<see cref="Labels"/> is null): its targets are text.
/// </summary>
public sealed class TaskDataset
{
    private TaskDataset(DatasetFolder folder, DataOptions options, LabelSet? labels, string labelSource)
    {
        Folder = folder;
        Options = options;
        Labels = labels;
        LabelSource = labelSource;
    }

    public DatasetFolder Folder { get; }
    public DataOptions Options { get; }
    public LabelSet? Labels { get; }
    /// <summary>Where the labels came from (a file path, or "collected from &lt;train file&gt;").</summary>
    public string LabelSource { get; }

    public static TaskDataset Open(string path, DataOptions options)
    {
        var folder = DatasetFolder.Open(path);
        if (options.Task == DataTask.Seq2Seq)
            return new TaskDataset(folder, options, null, "none: sequence-to-sequence targets are text");
        var (labels, source) = ResolveLabels(folder, options);
        return new TaskDataset(folder, options, labels, source);
    }

    private static (LabelSet, string) ResolveLabels(DatasetFolder folder, DataOptions options)
    {
        if (options.LabelsFile is { } given)
            return (LabelSet.Load(given), given);
        // labels.txt belongs to the folder's main task (NER for CoNLL files); a POS or chunk view of the
        // same files uses pos.labels.txt / chunk.labels.txt or collects its tags from train.
        var taskLabels = Path.Combine(folder.Root, options.Task.ToString().ToLowerInvariant() + ".labels.txt");
        if (File.Exists(taskLabels))
            return (LabelSet.Load(taskLabels), taskLabels);
        var labelsTxt = Path.Combine(folder.Root, "labels.txt");
        if (options.Task is not (DataTask.Pos or DataTask.Chunk) && File.Exists(labelsTxt))
            return (LabelSet.Load(labelsTxt), labelsTxt);
        var info = Path.Combine(folder.Root, "dataset_info.json");
        if (File.Exists(info))
        {
            var feature = options.IsTokenTask ? new JsonlTokenOptions { Task = options.Task, TagsField = options.TagsField }.ResolvedTagsField
                : options.Columns.LabelColumn ?? "label";
            return (LabelSet.LoadDatasetInfo(info, feature), info);
        }
        var train = folder.Require(Split.Train);
        var seen = options.IsTokenTask
            ? ReadTokens(train, options, null, new ReadReport()).SelectMany(e => e.Tags)
            : ReadClassification(train, options, null, new ReadReport()).Select(e => e.Label);
        return (LabelSet.Collect(seen), $"collected from {train}");
    }

    public IEnumerable<TokenExample> ReadTokens(Split split, ReadReport? report = null) =>
        ReadTokens(Folder.Require(split), Options, Labels, report ?? new ReadReport());

    public IEnumerable<ClassificationExample> ReadClassification(Split split, ReadReport? report = null) =>
        ReadClassification(Folder.Require(split), Options, Labels, report ?? new ReadReport());

    public IEnumerable<Seq2SeqExample> ReadSeq2Seq(Split split, ReadReport? report = null)
    {
        if (Options.Task != DataTask.Seq2Seq)
            throw new InvalidOperationException($"{Options.Task} data has labels, not sequence-to-sequence targets");
        var file = Folder.Require(split);
        var columns = Options.Seq2SeqColumns with { Reader = new ReaderOptions { SkipBadLines = Options.SkipBadLines } };
        report ??= new ReadReport();
        return DatasetFolder.FormatOf(file) switch
        {
            FileFormat.Tsv => Seq2SeqReader.ReadTsv(file, columns, report),
            FileFormat.Csv => Seq2SeqReader.ReadCsv(file, columns, report),
            FileFormat.JsonLines => Seq2SeqReader.ReadJsonl(file, columns, report),
            var other => throw new DataFormatException(file, 0, "file", $"{other} files hold token tags, not sequence-to-sequence examples"),
        };
    }

    private static IEnumerable<TokenExample> ReadTokens(string file, DataOptions options, LabelSet? labels, ReadReport report)
    {
        if (!options.IsTokenTask)
            throw new InvalidOperationException("classification data has no token tags");
        var reader = new ReaderOptions { SkipBadLines = options.SkipBadLines, Labels = labels };
        return DatasetFolder.FormatOf(file) switch
        {
            FileFormat.Conll => ConllReader.Read(file, new ConllOptions
            {
                Task = options.Task, TagColumn = options.TagColumn, ConvertIob1ToIob2 = options.ConvertIob1ToIob2, Reader = reader,
            }, report),
            FileFormat.JsonLines => JsonlTokenReader.Read(file, new JsonlTokenOptions
            {
                Task = options.Task, TagsField = options.TagsField, ConvertIob1ToIob2 = options.ConvertIob1ToIob2, Reader = reader,
            }, report),
            var other => throw new DataFormatException(file, 0, "file", $"{other} files hold classification data, not {options.Task} tags"),
        };
    }

    private static IEnumerable<ClassificationExample> ReadClassification(string file, DataOptions options, LabelSet? labels, ReadReport report)
    {
        if (options.Task != DataTask.Classification)
            throw new InvalidOperationException($"{options.Task} data has no sequence labels");
        var columns = options.Columns with { Reader = new ReaderOptions { SkipBadLines = options.SkipBadLines, Labels = labels } };
        return DatasetFolder.FormatOf(file) switch
        {
            FileFormat.Tsv => ClassificationReader.ReadTsv(file, columns, report),
            FileFormat.Csv => ClassificationReader.ReadCsv(file, columns, report),
            FileFormat.JsonLines => ClassificationReader.ReadJsonl(file, columns, report),
            var other => throw new DataFormatException(file, 0, "file", $"{other} files hold token tags, not classification data"),
        };
    }
}
