using System.Buffers;

namespace Orchestrator.Shared.Text;

/// <summary>
/// Finds added tokens (the special tokens: [CLS], [SEP], [PAD], [UNK], [MASK], ...) in the raw text, leftmost
/// first and longest at a position, as the fast tokenizer does before normalizing. Text between matches is
/// normalized and split on its own; a match becomes one token and one word.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly (string Content, int Id)[] _tokensLongestFirst;
    private readonly SearchValues<char> _firstChars;

    public AddedTokenMatcher(IEnumerable<(string Content, int Id)> tokens)
    {
        _tokensLongestFirst = tokens.Where(t => t.Content.Length > 0)
            .OrderByDescending(t => t.Content.Length).ThenBy(t => t.Content, StringComparer.Ordinal).ToArray();
        _firstChars = SearchValues.Create(_tokensLongestFirst.Select(t => t.Content[0]).Distinct().ToArray());
    }

    /// <summary>The next match at or after <paramref name="from"/>, or false.</summary>
    public bool TryFindNext(ReadOnlySpan<char> text, int from, out int position, out int length, out int id)
    {
        if (_tokensLongestFirst.Length > 0)
        {
            for (int i = from; i < text.Length; i++)
            {
                int next = text[i..].IndexOfAny(_firstChars);
                if (next < 0) break;
                i += next;
                var rest = text[i..];
                foreach (var (content, tokenId) in _tokensLongestFirst)
                {
                    if (rest.StartsWith(content, StringComparison.Ordinal))
                    {
                        position = i;
                        length = content.Length;
                        id = tokenId;
                        return true;
                    }
                }
            }
        }
        position = length = id = 0;
        return false;
    }
}
