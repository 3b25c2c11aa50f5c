namespace Orchestrator.Shared.Data;

/// <summary>
/// One tokenized training example, ready for the collator. Token classification: <see cref="Labels"/>
/// has one entry per token (-100 where ignored). Sequence classification: a single label id.
/// <see cref="ExampleIndex"/> is the position of the source example in its split, so predictions can be
/// mapped back (and duplicates dropped) after shuffling and sharding.
/// </summary>
public sealed record EncodedExample(
    int[] InputIds,
    int[] TokenTypeIds,
    int[] Labels,
    int?[] WordIds,
    int ExampleIndex,
    int LostWords = 0)
{
    public int Length => InputIds.Length;
}
