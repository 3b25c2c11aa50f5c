namespace Orchestrator.Shared.Data;

/// <summary>Where a record came from, for error messages after reading (e.g. while encoding).</summary>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>A pre-tokenized sentence with one tag name per word (token classification).</summary>
public sealed record TokenExample(IReadOnlyList<string> Words, IReadOnlyList<string> Tags, SourceLocation Source);

/// <summary>A text or text pair with one label name (sequence classification).</summary>
public sealed record ClassificationExample(string Text, string? Pair, string Label, SourceLocation Source);

/// <summary>
/// A sequence-to-sequence example: the source texts (T5 question answering: the context, then the question) and the
/// target text (the answer).
/// </summary>
public sealed record Seq2SeqExample(IReadOnlyList<string> Inputs, string Target, SourceLocation Source);

/// <summary>The kind of task, which decides the tag column or label field a reader picks.</summary>
public enum DataTask
{
    Ner,
    Pos,
    Chunk,
    Classification,
    Seq2Seq,
}
