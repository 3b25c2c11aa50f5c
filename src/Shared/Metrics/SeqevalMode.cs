namespace Orchestrator.Shared.Metrics;

/// <summary>How entities are read from tag sequences (seqeval's <c>mode</c>/<c>scheme</c> arguments).</summary>
public enum SeqevalMode
{
    /// <summary>
    /// seqeval's default, conlleval-like mode: sentences are joined with an <c>O</c> between them and
    /// chunks are read with B/I/E/S/O prefixes; an I- without a B- starts an entity, a type change ends one.
    /// </summary>
    Default,

    /// <summary>
    /// seqeval <c>mode="strict", scheme=IOB2</c>: an entity starts only at B- and continues through I- of
    /// the same type; a stray I- is not an entity. Tags other than B-, I- and O are rejected.
    /// </summary>
    StrictIob2,
}

/// <summary>One entity: its type and inclusive token span (in the joined sequence in default mode,
/// within sentence <paramref name="Sentence"/> in strict mode, where it is -1 otherwise).</summary>
public readonly record struct EntitySpan(string Type, int Start, int End, int Sentence = -1);
