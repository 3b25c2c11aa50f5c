using System.Text;

namespace Orchestrator.Shared.Text;

public sealed partial class BertTokenizer
{
    /// <summary>
    /// Hugging Face's decode: the WordPiece decoder joins tokens with spaces, glues `##` pieces to the previous
    /// token and (its `cleanup` flag) tidies each token; then clean_up_tokenization_spaces tidies the whole
    /// string. Tidying removes the space before . ? ! , and before the English contractions 'm 's 've 're n't,
    /// and turns " ' " into "'". Unknown ids are skipped, as the Rust tokenizer skips them.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) =>
        Decode(ids, skipSpecialTokens, Options.CleanUpTokenizationSpaces);

    /// <summary>Decode with an explicit clean_up_tokenization_spaces (false: the Rust decoder's output alone).</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens, bool cleanUpTokenizationSpaces)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = ids.Where(id => !(skipSpecialTokens && _specialIds.Contains(id))).Select(IdToToken).OfType<string>();
        var builder = DecodeTokens(tokens);
        if (cleanUpTokenizationSpaces) CleanUp(builder, 0);
        return builder.ToString();
    }

    /// <summary>
    /// convert_tokens_to_string of a fast tokenizer: the WordPiece decoder alone (tokens joined with spaces,
    /// `##` pieces glued to the previous token, each token tidied when the decoder's `cleanup` flag is set),
    /// without clean_up_tokenization_spaces. The token classification pipeline builds its `word` with it.
    /// </summary>
    public string ConvertTokensToString(IEnumerable<string> tokens) => DecodeTokens(tokens).ToString();

    private StringBuilder DecodeTokens(IEnumerable<string> tokens)
    {
        var builder = new StringBuilder();
        var prefix = Vocabulary.ContinuingSubwordPrefix;
        bool first = true;
        foreach (var token in tokens)
        {
            int tokenStart = builder.Length;
            if (first) builder.Append(token);
            else if (prefix.Length > 0 && token.StartsWith(prefix, StringComparison.Ordinal)) builder.Append(token, prefix.Length, token.Length - prefix.Length);
            else builder.Append(' ').Append(token);
            first = false;
            if (_decoderCleanup) CleanUp(builder, tokenStart);
        }
        return builder;
    }

    public string[] DecodeBatch(IReadOnlyList<IReadOnlyList<int>> batch, bool skipSpecialTokens = true)
    {
        var result = new string[batch.Count];
        Parallel.For(0, batch.Count, i => result[i] = Decode(batch[i], skipSpecialTokens));
        return result;
    }

    private static readonly (string From, string To)[] CleanUpRules =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    /// <summary>HF's clean_up_tokenization, applied in its order to the text from <paramref name="start"/> on.</summary>
    private static void CleanUp(StringBuilder builder, int start)
    {
        foreach (var (from, to) in CleanUpRules) builder.Replace(from, to, start, builder.Length - start);
    }
}
