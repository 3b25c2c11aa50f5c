namespace Orchestrator.Shared.Data;

public enum LabelKind
{
    /// <summary>One label per token, padded with -100 (DataCollatorForTokenClassification).</summary>
    PerToken,
    /// <summary>One label per example (DataCollatorWithPadding).</summary>
    PerSequence,
    /// <summary>A target sequence per example, padded with -100 to the batch's longest target (DataCollatorForSeq2Seq).</summary>
    TargetSequence,
}

/// <summary>
/// Dynamic padding: each batch is padded to its own longest example (rounded up to
/// <c>padToMultipleOf</c> when set): input ids with the tokenizer's pad id, token type ids and attention
/// mask with 0, per-token labels with -100. Target sequences are padded with -100 to the longest target of the
/// batch, not rounded up (the decoder reads them shifted right, with -100 turned into the pad id).
/// </summary>
public sealed class Collator
{
    private readonly int _padTokenId;
    private readonly LabelKind _labels;
    private readonly int? _padToMultipleOf;

    public Collator(int padTokenId, LabelKind labels, int? padToMultipleOf = null)
    {
        if (padToMultipleOf is <= 0)
            throw new ArgumentOutOfRangeException(nameof(padToMultipleOf), padToMultipleOf, "must be positive");
        _padTokenId = padTokenId;
        _labels = labels;
        _padToMultipleOf = padToMultipleOf;
    }

    public int PaddedLength(int longest) =>
        _padToMultipleOf is { } m ? (longest + m - 1) / m * m : longest;

    public Batch Collate(IReadOnlyList<EncodedExample> examples)
    {
        if (examples.Count == 0)
            throw new ArgumentException("cannot collate an empty batch", nameof(examples));
        int batch = examples.Count;
        int length = PaddedLength(examples.Max(e => e.Length));
        var inputIds = new long[batch * length];
        var tokenTypes = new long[batch * length];
        var mask = new long[batch * length];
        int labelLength = _labels switch
        {
            LabelKind.PerToken => length,
            LabelKind.TargetSequence => examples.Max(e => e.Labels.Length),
            _ => 1,
        };
        var labels = new long[batch * labelLength];
        Array.Fill(inputIds, _padTokenId);
        if (_labels != LabelKind.PerSequence)
            Array.Fill(labels, LabelAligner.IgnoreIndex);
        for (int b = 0; b < batch; b++)
        {
            var e = examples[b];
            int row = b * length;
            for (int t = 0; t < e.Length; t++)
            {
                inputIds[row + t] = e.InputIds[t];
                tokenTypes[row + t] = e.TokenTypeIds[t];
                mask[row + t] = 1;
            }
            if (_labels == LabelKind.PerToken && e.Labels.Length != e.Length)
                throw new ArgumentException($"example {e.ExampleIndex} has {e.Labels.Length} labels for {e.Length} tokens");
            if (_labels != LabelKind.PerSequence)
            {
                for (int t = 0; t < e.Labels.Length; t++)
                    labels[b * labelLength + t] = e.Labels[t];
            }
            else
            {
                if (e.Labels.Length != 1)
                    throw new ArgumentException($"example {e.ExampleIndex} has {e.Labels.Length} labels, a sequence label is one");
                labels[b] = e.Labels[0];
            }
        }
        return new Batch(inputIds, tokenTypes, mask, labels, new[] { batch, length },
            _labels == LabelKind.PerSequence ? new[] { batch } : new[] { batch, labelLength },
            examples.Select(e => e.ExampleIndex).ToArray());
    }

    /// <summary>Batches of <paramref name="batchSize"/> consecutive examples of <paramref name="order"/>;
    /// the last one may be smaller unless <paramref name="dropLast"/>.</summary>
    public IEnumerable<Batch> Batches(IReadOnlyList<EncodedExample> examples, IReadOnlyList<int> order, int batchSize, bool dropLast = false)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be positive");
        for (int start = 0; start < order.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Count - start);
            if (count < batchSize && dropLast)
                yield break;
            var chunk = new EncodedExample[count];
            for (int i = 0; i < count; i++)
                chunk[i] = examples[order[start + i]];
            yield return Collate(chunk);
        }
    }

    /// <summary>
    /// Share of padding positions in an epoch batched in <paramref name="order"/>:
    /// padded positions / all positions of all batches.
    /// </summary>
    public static double PaddingFraction(IReadOnlyList<int> lengths, IReadOnlyList<int> order, int batchSize, int? padToMultipleOf = null)
    {
        long real = 0, total = 0;
        for (int start = 0; start < order.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Count - start);
            int longest = 0;
            for (int i = 0; i < count; i++)
            {
                int length = lengths[order[start + i]];
                real += length;
                longest = Math.Max(longest, length);
            }
            if (padToMultipleOf is { } m)
                longest = (longest + m - 1) / m * m;
            total += (long)longest * count;
        }
        return total == 0 ? 0 : (double)(total - real) / total;
    }
}
