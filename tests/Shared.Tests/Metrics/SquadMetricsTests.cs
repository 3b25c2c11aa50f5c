using Orchestrator.Shared.Metrics;

namespace Orchestrator.Shared.Tests.Metrics;

/// <summary>The SQuAD v1.1 rules by hand; SquadMetricsParityTests checks the same code against the Python script.</summary>
public class SquadMetricsTests
{
    [Theory]
    [InlineData("The Quick, brown fox!", "quick brown fox")]
    [InlineData("  A  man\tan apple\nthe end  ", "man apple end")]
    [InlineData("theatre another Anna THEM", "theatre another anna them")]   // articles only as whole words
    [InlineData("(the) a. an!", "")]                                       // punctuation goes first, then the articles
    [InlineData("the-end a_b", "theend ab")]                               // ... so joined words are no longer articles
    [InlineData("“the” «Paris» — ok…", "“ ” «paris» — ok…")]               // only ASCII punctuation is removed
    [InlineData("the² the\u0301", "the² \u0301")]                          // \w: ² is a word character, a combining mark is not
    [InlineData("x\u001cy\u3000z\u00a0w\u200bv", "x y z w\u200bv")]        // str.split() whitespace; zero-width space is not
    [InlineData("ΟΔΟΣ ΣΑΣ.", "\u03BF\u03B4\u03BF\u03C2 \u03C3\u03B1\u03C2")]             // Python's final sigma (ς)
    [InlineData("İstanbul", "i\u0307stanbul")]                             // Python's full lower-case mapping
    [InlineData("", "")]
    public void Normalize_follows_the_official_script(string text, string expected)
    {
        Assert.Equal(expected, SquadMetrics.Normalize(text));
    }

    [Fact]
    public void Exact_match_compares_normalised_answers()
    {
        Assert.Equal(1.0, SquadMetrics.ExactMatch("The Eiffel Tower.", "eiffel   tower"));
        Assert.Equal(0.0, SquadMetrics.ExactMatch("Eiffel", "Eiffel Tower"));
        Assert.Equal(1.0, SquadMetrics.ExactMatch("", ""));
        Assert.Equal(1.0, SquadMetrics.ExactMatch("the", "A !"));
    }

    [Fact]
    public void F1_counts_common_tokens_with_multiplicity()
    {
        Assert.Equal(2.0 / 3.0, SquadMetrics.F1("Eiffel", "the Eiffel Tower"), 12);
        // common: y twice (min of 3 and 2); precision 2/4, recall 2/3.
        Assert.Equal(4.0 / 7.0, SquadMetrics.F1("x y y y", "y y z"), 12);
        Assert.Equal(1.0, SquadMetrics.F1("Tower, Eiffel", "eiffel tower"));
        Assert.Equal(0.0, SquadMetrics.F1("Paris", "London"));
    }

    [Fact]
    public void Two_empty_answers_match_exactly_but_score_no_F1_as_in_v1_1()
    {
        Assert.Equal(0.0, SquadMetrics.F1("", ""));
        Assert.Equal(0.0, SquadMetrics.F1("the", "a"));
        Assert.Equal(0.0, SquadMetrics.F1("", "Paris"));
        var result = SquadMetrics.Compute(new[] { "" }, new[] { "" });
        Assert.Equal(new SquadResult(100.0, 0.0, 1), result);
    }

    [Fact]
    public void Compute_averages_as_percentages()
    {
        var result = SquadMetrics.Compute(new[] { "Paris", "the red car", "blue" }, new[] { "paris", "red bus", "green" });

        Assert.Equal(3, result.Count);
        Assert.Equal(100.0 / 3, result.ExactMatch, 12);
        Assert.Equal(50.0, result.F1, 12);
        Assert.Equal(result.ExactMatch, (double)result.ToDictionary()["exact_match"]);
        Assert.Equal(result.F1, (double)result.ToDictionary()["f1"]);
    }

    [Fact]
    public void Several_references_take_the_best_score_of_each_kind()
    {
        var references = new IReadOnlyList<string>[] { new[] { "red car", "a red bus" }, new[] { "green", "dark green tree" } };
        var result = SquadMetrics.Compute(new[] { "red bus", "green tree" }, references);

        // Case 1: exact with the second answer. Case 2: no exact match; F1 0.8 with the second (p 1, r 2/3).
        Assert.Equal(50.0, result.ExactMatch, 12);
        Assert.Equal(100.0 * (1.0 + 0.8) / 2, result.F1, 12);
    }

    [Fact]
    public void Bad_input_is_refused_with_the_reason()
    {
        var counts = Assert.Throws<ArgumentException>(() => SquadMetrics.Compute(new[] { "a", "b" }, new[] { "a" }));
        Assert.Contains("predictions has 2 items but references has 1", counts.Message);
        var none = Assert.Throws<ArgumentException>(() => SquadMetrics.Compute(new[] { "a" }, new IReadOnlyList<string>[] { Array.Empty<string>() }));
        Assert.Contains("references[0] has no answer", none.Message);
        Assert.Equal(new SquadResult(0.0, 0.0, 0), SquadMetrics.Compute(Array.Empty<string>(), Array.Empty<string>()));
    }
}
