namespace Orchestrator.Shared.Text;

/// <summary>
/// One tokenized input, shaped like a Hugging Face BatchEncoding row: ids with special tokens,
/// segment ids, the source word of each token (null for special tokens) and character offsets
/// (into the original text, or into the word for pre-tokenized input; (0,0) for special tokens).
/// </summary>
public sealed record Encoding(
    int[] InputIds,
    int[] TokenTypeIds,
    int[] AttentionMask,
    int?[] WordIds,
    (int Start, int End)[] Offsets,
    string[] Tokens)
{
    public int Length => InputIds.Length;
}

/// <summary>Which side of a text pair loses tokens first when it does not fit (Hugging Face's names).</summary>
public enum TruncationStrategy
{
    LongestFirst,
    OnlyFirst,
    OnlySecond,
    DoNotTruncate,
}

/// <summary>The encoder surface the data pipeline needs; implemented by the WordPiece tokenizer.</summary>
public interface ITokenizer
{
    int VocabSize { get; }
    int PadTokenId { get; }
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true);
    Encoding Encode(string text, string? pair = null, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst);
    /// <summary>Pre-tokenized input (`is_split_into_words=True`): word_ids index <paramref name="words"/>.</summary>
    Encoding EncodeWords(IReadOnlyList<string> words, int? maxLength = null);
}
