namespace Orchestrator.Worker.Generation;

/// <summary>
/// NoRepeatNGramLogitsProcessor: the tokens that would complete an n-gram already present in the sequence (the
/// decoder start token counts, as in transformers); their scores are set to -inf before choosing the next token.
/// </summary>
public static class NoRepeatNGram
{
    public static IReadOnlyList<long> BannedTokens(IReadOnlyList<long> tokens, int ngramSize)
    {
        var length = tokens.Count;
        if (ngramSize <= 0 || length + 1 < ngramSize) return [];
        var prefixStart = length + 1 - ngramSize;
        var banned = new List<long>();
        for (var start = 0; start + ngramSize <= length; start++)
        {
            var matches = true;
            for (var j = 0; j < ngramSize - 1 && matches; j++)
                matches = tokens[start + j] == tokens[prefixStart + j];
            if (matches) banned.Add(tokens[start + ngramSize - 1]);
        }
        return banned;
    }
}
