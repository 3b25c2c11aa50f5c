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
        var builder = new StringBuilder();
        var prefix = Vocabulary.ContinuingSubwordPrefix;
        bool first = true;
        foreach (int id in ids)
        {
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            var token = IdToToken(id);
            if (token is null) continue;
            int tokenStart = builder.Length;
            if (first) builder.Append(token);
            else if (prefix.Length > 0 && token.StartsWith(prefix, StringComparison.Ordinal)) builder.Append(token, prefix.Length, token.Length - prefix.Length);
            else builder.Append(' ').Append(token);
            first = false;
            if (_decoderCleanup) CleanUp(builder, tokenStart);
        }
        if (cleanUpTokenizationSpaces) CleanUp(builder, 0);
        return builder.ToString();
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
