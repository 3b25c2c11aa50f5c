namespace Orchestrator.Shared.Text;

/// <summary>
/// How many tokens of each text survive truncation. Tokens are cut from the right; the special tokens the
/// template adds are subtracted from max_length first, giving the budget.
/// <para>
/// The rule is that of Hugging Face's Rust tokenizer 0.23 (the fast tokenizer; the parity tests check it
/// against its JavaScript binding on a sweep of lengths, budgets and strategies):
/// <list type="number">
/// <item>If both texts fit in the budget, nothing is cut.</item>
/// <item>A budget of 0 empties both texts, whatever the strategy.</item>
/// <item>longest_first: each length is first capped at max_length (the full one, specials included).
/// With s the shorter capped length (the first text's when equal) and l the other: if s &lt;= budget,
/// l becomes max(s, budget - s), else l becomes s. If s + l still exceeds the budget, the shorter gets
/// budget / 2 (rounded down) and the other budget / 2 + budget % 2. So an odd budget's spare token goes to
/// the longer text, or to the second text when the (capped) lengths are equal.</item>
/// <item>only_first / only_second: the named text keeps what the other leaves; if the other text alone
/// fills the budget, it is an error (<see cref="ArgumentException"/>).</item>
/// </list>
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
        if (budget == 0) return (0, 0);
        switch (strategy)
        {
            case TruncationStrategy.LongestFirst:
            {
                int a = Math.Min(first, maxLength), b = Math.Min(second, maxLength);
                bool swap = a > b;
                int shorter = swap ? b : a;
                int longer = shorter > budget ? shorter : Math.Max(shorter, budget - shorter);
                if (shorter + longer > budget)
                {
                    shorter = budget / 2;
                    longer = shorter + budget % 2;
                }
                return swap ? (longer, shorter) : (shorter, longer);
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
