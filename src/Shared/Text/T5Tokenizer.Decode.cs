using System.Text;

namespace Orchestrator.Shared.Text;

public sealed partial class T5Tokenizer
{
    /// <summary>
    /// Hugging Face's `decode(ids, skip_special_tokens)` for T5: with skipping, special tokens (pad, eos, unk,
    /// the extra ids) are dropped and the rest is decoded by SentencePiece ("▁" -> space, leading space
    /// dropped, byte pieces reassembled); then the text is stripped and clean_up_tokenization_spaces tidies it.
    /// Ids beyond the vocabulary (t5-base's embedding has 32,128 rows for 32,100 tokens) are skipped, as the
    /// fast tokenizer skips them, instead of failing.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) =>
        Decode(ids, skipSpecialTokens, Options.CleanUpTokenizationSpaces);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens, bool cleanUpTokenizationSpaces)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // PreTrainedTokenizer._decode: runs of ordinary tokens go through convert_tokens_to_string; the extra
        // ids are sub-texts of their own; sub-texts are joined with spaces.
        var subTexts = new List<string>();
        var run = new List<int>();
        foreach (int id in ids)
        {
            if (IdToToken(id) is null) continue;
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            if (IsLegacyAddedToken(id, out var added))
            {
                if (run.Count > 0)
                {
                    var text = TokensToString(run);
                    if (text.Length > 0) subTexts.Add(text);
                    run.Clear();
                }
                subTexts.Add(added);
            }
            else run.Add(id);
        }
        if (run.Count > 0) subTexts.Add(TokensToString(run));
        var result = string.Join(" ", subTexts);
        return cleanUpTokenizationSpaces ? CleanUpTokenization(result) : result;
    }

    /// <summary>
    /// The added tokens other than pad / eos / unk (the extra ids): `_decode` writes them as sub-texts of their
    /// own rather than through convert_tokens_to_string.
    /// </summary>
    private bool IsLegacyAddedToken(int id, out string token) =>
        _addedIdToToken.TryGetValue(id, out token!) && id != EosTokenId && id != PadTokenId && id != UnkTokenId;

    public string[] DecodeBatch(IReadOnlyList<IReadOnlyList<int>> batch, bool skipSpecialTokens = true)
    {
        var result = new string[batch.Count];
        Parallel.For(0, batch.Count, i => result[i] = Decode(batch[i], skipSpecialTokens));
        return result;
    }

    /// <summary>
    /// T5Tokenizer.convert_tokens_to_string: special tokens are written as themselves (after a space unless the
    /// previous token was special too), everything between them is decoded by SentencePiece, and the result is
    /// stripped of surrounding whitespace.
    /// </summary>
    private string TokensToString(List<int> ids)
    {
        var builder = new StringBuilder();
        var pieces = new List<int>();
        bool previousSpecial = false;
        foreach (int id in ids)
        {
            if (_specialIds.Contains(id))
            {
                if (!previousSpecial) builder.Append(' ');
                builder.Append(_processor.Decode(pieces)).Append(IdToToken(id));
                pieces.Clear();
                previousSpecial = true;
            }
            else
            {
                pieces.Add(id);
                previousSpecial = false;
            }
        }
        builder.Append(_processor.Decode(pieces));
        return PythonStrip(builder.ToString());
    }

    /// <summary>Python's str.strip(): Unicode whitespace, including the separators U+001C..U+001F.</summary>
    private static string PythonStrip(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsPythonSpace(s[start])) start++;
        while (end > start && IsPythonSpace(s[end - 1])) end--;
        return s[start..end];
    }

    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    private static readonly (string From, string To)[] CleanUpRules =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    /// <summary>Hugging Face's clean_up_tokenization, in its order.</summary>
    private static string CleanUpTokenization(string text)
    {
        var builder = new StringBuilder(text);
        foreach (var (from, to) in CleanUpRules) builder.Replace(from, to);
        return builder.ToString();
    }
}
