namespace Orchestrator.Shared.Data;

/// <summary>
/// What a reader saw: records read, and with <see cref="ReaderOptions.SkipBadLines"/> the records it
/// skipped, with the first few messages. Filled while the reader's enumeration runs.
/// </summary>
public sealed class ReadReport
{
    public const int MaxKeptMessages = 10;
    private readonly List<string> _firstWarnings = new();

    public int Records { get; private set; }
    public int Skipped { get; private set; }
    public IReadOnlyList<string> FirstWarnings => _firstWarnings;

    /// <summary>
    /// The one rule every reader applies to a record: no error counts it as read (true: yield it); an
    /// error throws, or with <paramref name="skipBadLines"/> is counted as skipped (false: drop it).
    /// </summary>
    internal bool Accept(DataFormatException? error, bool skipBadLines)
    {
        if (error is null)
        {
            Records++;
            return true;
        }
        if (!skipBadLines) throw error;
        Skipped++;
        if (_firstWarnings.Count < MaxKeptMessages)
            _firstWarnings.Add(error.Message);
        return false;
    }

    public override string ToString() =>
        Skipped == 0 ? $"{Records} records" : $"{Records} records, {Skipped} skipped (first: {_firstWarnings[0]})";
}

/// <summary>Options shared by every reader.</summary>
public sealed record ReaderOptions
{
    /// <summary>Turn record-level errors into counted warnings in the <see cref="ReadReport"/>.
    /// File-level errors (missing or empty file, bad header) still throw.</summary>
    public bool SkipBadLines { get; init; }

    /// <summary>When set, a label outside this set is an error ("unknown label").</summary>
    public LabelSet? Labels { get; init; }
}
