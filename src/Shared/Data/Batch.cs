namespace Orchestrator.Shared.Data;

/// <summary>
/// One padded batch as plain row-major arrays; the worker turns them into int64 tensors.
/// <see cref="Shape"/> is [batch, sequence] for the inputs and attention mask; <see cref="LabelShape"/> is
/// [batch, sequence] (token classification, -100 on padding), [batch] (sequence classification) or [batch, target]
/// (sequence to sequence, -100 after each target).
/// <see cref="ExampleIndices"/> are the examples' indices in their split.
/// </summary>
public sealed record Batch(
    long[] InputIds,
    long[] TokenTypeIds,
    long[] AttentionMask,
    long[] Labels,
    int[] Shape,
    int[] LabelShape,
    int[] ExampleIndices)
{
    public int Size => Shape[0];
    public int SequenceLength => Shape[1];
}
