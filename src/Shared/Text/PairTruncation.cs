namespace Orchestrator.Shared.Text;

/// <summary>
/// How many tokens of each text survive truncation (right side cut; special tokens are not counted in
/// the lengths and are subtracted from max_length first).
/// <para>
/// The rule is that of Hugging Face's Rust tokenizer 0.23 (the fast tokenizer), verified against its
/// JavaScript binding for every budget 0..8 and lengths 1..8:
/// budget = max_length - specials. If both texts fit, nothing is cut. longest_first: the shorter text
/// (the first one when the lengths are equal) keeps min(its length, budget / 2) tokens, rounded down, and
/// the other text gets the rest of the budget. So with an odd budget the longer text gets the spare
/// token, and with equal lengths the second text gets it. only_first / only_second: the named text is
/// cut to whatever the other leaves; if the other text alone fills the budget, it is an error.
/// </para>
/// </summary>
public static class PairTruncation
{
    public static (int First, int Second) Lengths(int first, int second, int budget, TruncationStrategy strategy)
    {
        if (budget < 0) throw new ArgumentOutOfRangeException(nameof(budget), budget, "max_length is shorter than the special tokens");
        if (strategy == TruncationStrategy.DoNotTruncate || first + second <= budget) return (first, second);
        switch (strategy)
        {
            case TruncationStrategy.LongestFirst:
                if (first <= second)
                {
                    int keptFirst = Math.Min(first, budget / 2);
                    return (keptFirst, budget - keptFirst);
                }
                int keptSecond = Math.Min(second, budget / 2);
                return (budget - keptSecond, keptSecond);
            case TruncationStrategy.OnlyFirst:
                if (second >= budget)
                    throw new ArgumentException($"only_first truncation: the second text has {second} tokens, the budget is {budget}: the first text cannot be cut enough");
                return (budget - second, second);
            case TruncationStrategy.OnlySecond:
                if (first >= budget)
                    throw new ArgumentException($"only_second truncation: the first text has {first} tokens, the budget is {budget}: the second text cannot be cut enough");
                return (first, budget - first);
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null);
        }
    }
}
