namespace Orchestrator.Shared.Text;

/// <summary>
/// How many tokens of each text survive truncation. Tokens are cut from the right; the special tokens the
/// template adds are subtracted from max_length first, giving the budget.
/// <para>
/// The rule is that of Hugging Face's Python (slow) tokenizer (`truncate_sequences` in transformers), which
/// transformers' documentation describes for `longest_first` ("truncate token by token, removing a token from
/// the longest sequence in the pair"):
/// <list type="number">
/// <item>If both texts fit in the budget, nothing is cut.</item>
/// <item>longest_first: tokens come off one at a time, from the longer text, or from the second text when the
/// two are equal. In closed form: if the shorter text fits beside the longer one cut to the rest of the budget,
/// the shorter is kept whole; else the two share the budget, and an odd budget's spare token goes to the
/// first text.</item>
/// <item>A budget of 0 empties both texts, whatever the strategy.</item>
/// <item>only_first / only_second: the named text keeps what the other leaves; if the other text alone
/// fills the budget, it is an error (<see cref="ArgumentException"/>), as in the fast tokenizer.</item>
/// </list>
/// The Rust fast tokenizer 0.23 differs in longest_first only (docs/tokenizer.md, "Truncation"): it caps each
/// length at max_length first and, when both texts are long, gives an odd budget's spare token to the longer
/// text, or to the second one when the capped lengths are equal.
/// </para>
/// </summary>
public static class PairTruncation
{
    public static (int First, int Second) Lengths(int first, int second, int maxLength, int specialTokens, TruncationStrategy strategy)
    {
        int budget = maxLength - specialTokens;
        if (budget < 0)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"max_length {maxLength} is shorter than the {specialTokens} special tokens");
        if (strategy == TruncationStrategy.DoNotTruncate || first + second <= budget) return (first, second);
        if (budget == 0) return (0, 0); // every strategy, as the fast tokenizer does (no only_first error here)
        switch (strategy)
        {
            case TruncationStrategy.LongestFirst:
            {
                int shorter = Math.Min(first, second);
                if (shorter <= budget - shorter)
                    // The longer text loses every token removed before the two become equal: the shorter is kept whole.
                    return first <= second ? (first, budget - first) : (budget - second, second);
                // They become equal, then lose a token in turn, the second text first: the first keeps the odd one.
                return (budget - budget / 2, budget / 2);
            }
            case TruncationStrategy.OnlyFirst:
                if (second >= budget)
                    throw new ArgumentException($"only_first truncation: the second text alone has {second} tokens, the budget is {budget} (max_length {maxLength})");
                return (budget - second, second);
            case TruncationStrategy.OnlySecond:
                if (first >= budget)
                    throw new ArgumentException($"only_second truncation: the first text alone has {first} tokens, the budget is {budget} (max_length {maxLength})");
                return (first, budget - first);
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null);
        }
    }
}
