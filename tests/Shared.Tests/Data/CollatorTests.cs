using Orchestrator.Shared.Data;

namespace Orchestrator.Shared.Tests.Data;

public class CollatorTests
{
    private static EncodedExample Example(int index, int length, int typeOnes = 0) => new(
        Enumerable.Range(100, length).ToArray(),
        Enumerable.Range(0, length).Select(i => i >= length - typeOnes ? 1 : 0).ToArray(),
        Enumerable.Range(0, length).Select(i => i == 0 || i == length - 1 ? -100 : i % 3).ToArray(),
        new int?[length], index);

    [Fact]
    public void Token_batches_pad_to_the_longest_with_pad_id_zero_mask_and_ignore_labels()
    {
        var batch = new Collator(padTokenId: 7, LabelKind.PerToken).Collate(new[] { Example(4, 3), Example(9, 5, typeOnes: 2) });

        Assert.Equal(new[] { 2, 5 }, batch.Shape);
        Assert.Equal(new[] { 2, 5 }, batch.LabelShape);
        Assert.Equal(new long[] { 100, 101, 102, 7, 7, 100, 101, 102, 103, 104 }, batch.InputIds);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 }, batch.TokenTypeIds);
        Assert.Equal(new long[] { 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, batch.AttentionMask);
        Assert.Equal(new long[] { -100, 1, -100, -100, -100, -100, 1, 2, 0, -100 }, batch.Labels);
        Assert.Equal(new[] { 4, 9 }, batch.ExampleIndices);
    }

    [Fact]
    public void Pad_to_multiple_of_rounds_the_length_up()
    {
        var collator = new Collator(0, LabelKind.PerToken, padToMultipleOf: 8);

        Assert.Equal(8, collator.Collate(new[] { Example(0, 5) }).SequenceLength);
        Assert.Equal(16, collator.Collate(new[] { Example(0, 9) }).SequenceLength);
        Assert.Equal(8, collator.Collate(new[] { Example(0, 8) }).SequenceLength);
    }

    [Fact]
    public void Target_sequences_pad_with_ignore_to_the_longest_target_not_the_source_length()
    {
        // DataCollatorForSeq2Seq: sources padded with the pad id, targets with -100, each to its own longest; pad_to_multiple_of rounds the source only.
        var a = new EncodedExample([10, 11, 12, 1], [0, 0, 0, 0], [20, 1], [], 3);
        var b = new EncodedExample([13, 1], [0, 0], [21, 22, 23, 1], [], 5);
        var batch = new Collator(padTokenId: 0, LabelKind.TargetSequence, padToMultipleOf: 8).Collate([a, b]);

        Assert.Equal([2, 8], batch.Shape);
        Assert.Equal([2, 4], batch.LabelShape);
        Assert.Equal([10L, 11, 12, 1, 0, 0, 0, 0, 13, 1, 0, 0, 0, 0, 0, 0], batch.InputIds);
        Assert.Equal([1L, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0], batch.AttentionMask);
        Assert.Equal([20L, 1, -100, -100, 21, 22, 23, 1], batch.Labels);
        Assert.Equal([3, 5], batch.ExampleIndices);
    }

    [Fact]
    public void Sequence_labels_are_a_vector()
    {
        var a = new EncodedExample(new[] { 2, 5, 3 }, new int[3], new[] { 1 }, new int?[3], 0);
        var b = new EncodedExample(new[] { 2, 3 }, new int[2], new[] { 0 }, new int?[2], 1);

        var batch = new Collator(0, LabelKind.PerSequence).Collate(new[] { a, b });

        Assert.Equal(new[] { 2 }, batch.LabelShape);
        Assert.Equal(new long[] { 1, 0 }, batch.Labels);
        Assert.Equal(new long[] { 2, 5, 3, 2, 3, 0 }, batch.InputIds);
    }

    [Fact]
    public void Batches_follow_the_order_and_drop_last_on_request()
    {
        var examples = Enumerable.Range(0, 5).Select(i => Example(i, 3 + i)).ToArray();
        var collator = new Collator(0, LabelKind.PerToken);

        var all = collator.Batches(examples, new[] { 4, 0, 3, 1, 2 }, batchSize: 2).ToList();
        var dropped = collator.Batches(examples, new[] { 4, 0, 3, 1, 2 }, batchSize: 2, dropLast: true).ToList();

        Assert.Equal(new[] { new[] { 4, 0 }, new[] { 3, 1 }, new[] { 2 } }, all.Select(b => b.ExampleIndices));
        Assert.Equal(new[] { 7, 6, 5 }, all.Select(b => b.SequenceLength));
        Assert.Equal(2, dropped.Count);
    }

    [Fact]
    public void Padding_fraction_counts_padded_positions()
    {
        var lengths = new[] { 2, 4, 4, 4 };

        Assert.Equal(2.0 / 16, Collator.PaddingFraction(lengths, new[] { 0, 1, 2, 3 }, 2));
        Assert.Equal(0.0, Collator.PaddingFraction(lengths, new[] { 1, 2, 3, 0 }, 3), 10);
        Assert.Equal((24 - 14) / 24.0, Collator.PaddingFraction(lengths, new[] { 0, 1, 2, 3 }, 2, padToMultipleOf: 3), 10);
    }
}
