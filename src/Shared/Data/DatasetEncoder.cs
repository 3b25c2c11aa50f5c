using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Data;

/// <summary>Totals of an encoding pass.</summary>
public sealed record EncodingStats(int Examples, int Tokens, int TruncatedExamples, int LostWords);

/// <summary>
/// Maps examples to <see cref="EncodedExample"/>s with a tokenizer, in parallel, keeping input order.
/// The tokenizer must be safe for concurrent Encode calls (a WordPiece tokenizer with a read-only
/// vocabulary is).
/// </summary>
public sealed class DatasetEncoder
{
    private readonly ITokenizer _tokenizer;
    private readonly int? _maxLength;

    public DatasetEncoder(ITokenizer tokenizer, int? maxLength = 512)
    {
        _tokenizer = tokenizer;
        _maxLength = maxLength;
    }

    public EncodedExample EncodeTokens(TokenExample example, int index, LabelAligner aligner)
    {
        var wordLabels = new int[example.Tags.Count];
        for (int i = 0; i < wordLabels.Length; i++)
            if (!aligner.Labels.TryGetId(example.Tags[i], out wordLabels[i]))
                throw new DataFormatException(example.Source.File, example.Source.Line, $"word {i + 1} tag",
                    $"unknown label '{example.Tags[i]}' (known: {aligner.Labels})");
        var encoding = _tokenizer.EncodeWords(example.Words, _maxLength);
        return new EncodedExample(encoding.InputIds, encoding.TokenTypeIds, aligner.Align(encoding.WordIds, wordLabels),
            encoding.WordIds, index, LabelAligner.LostWords(encoding.WordIds, example.Words.Count));
    }

    public EncodedExample EncodeClassification(ClassificationExample example, int index, LabelSet labels)
    {
        if (!labels.TryGetId(example.Label, out var label))
            throw new DataFormatException(example.Source.File, example.Source.Line, "label", $"unknown label '{example.Label}' (known: {labels})");
        var encoding = _tokenizer.Encode(example.Text, example.Pair, _maxLength);
        return new EncodedExample(encoding.InputIds, encoding.TokenTypeIds, new[] { label }, encoding.WordIds, index);
    }

    /// <summary>
    /// A sequence-to-sequence example as the T5 tutorial encodes it: the inputs as one text or a pair
    /// (`tokenizer(context, question)`, truncated only_first to the maximum length), the target on its own, truncated to
    /// <paramref name="maxTargetLength"/>; both end with the end-of-sequence token. The labels are the target's ids.
    /// </summary>
    public EncodedExample EncodeSeq2Seq(Seq2SeqExample example, int index, int maxTargetLength)
    {
        if (example.Inputs.Count is < 1 or > 2)
            throw new DataFormatException(example.Source.File, example.Source.Line, "input_columns",
                $"{example.Inputs.Count} input columns: a source is one text or a pair");
        var source = _tokenizer.Encode(example.Inputs[0], example.Inputs.Count == 2 ? example.Inputs[1] : null, _maxLength, TruncationStrategy.OnlyFirst);
        var target = _tokenizer.Encode(example.Target, null, maxTargetLength);
        return new EncodedExample(source.InputIds, source.TokenTypeIds, target.InputIds, [], index);
    }

    public EncodedExample[] EncodeSeq2Seq(IReadOnlyList<Seq2SeqExample> examples, int maxTargetLength) =>
        Parallel(examples.Count, i => EncodeSeq2Seq(examples[i], i, maxTargetLength));

    public EncodedExample[] EncodeTokens(IReadOnlyList<TokenExample> examples, LabelAligner aligner) =>
        Parallel(examples.Count, i => EncodeTokens(examples[i], i, aligner));

    public EncodedExample[] EncodeClassification(IReadOnlyList<ClassificationExample> examples, LabelSet labels) =>
        Parallel(examples.Count, i => EncodeClassification(examples[i], i, labels));

    /// <summary>
    /// Token tasks: an example is truncated when it lost words. Classification: when it reached the
    /// maximum length (the tokenizer does not say whether it cut anything, so an example of exactly the
    /// maximum length counts too).
    /// </summary>
    public EncodingStats Stats(IReadOnlyList<EncodedExample> encoded) => new(
        encoded.Count,
        encoded.Sum(e => e.Length),
        encoded.Count(IsTruncated),
        encoded.Sum(e => e.LostWords));

    private bool IsTruncated(EncodedExample e) =>
        e.Labels.Length == e.Length ? e.LostWords > 0 : _maxLength is { } max && e.Length >= max;

    private static EncodedExample[] Parallel(int count, Func<int, EncodedExample> encode)
    {
        var result = new EncodedExample[count];
        var errors = new Exception?[count];
        // Writing each result into its own slot keeps the input order whatever order workers finish in;
        // errors are kept per slot too, so the one reported is always the first bad example.
        System.Threading.Tasks.Parallel.For(0, count, i =>
        {
            try
            {
                result[i] = encode(i);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        });
        var first = Array.Find(errors, e => e is not null);
        if (first is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        return result;
    }
}
