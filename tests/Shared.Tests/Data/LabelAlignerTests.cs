using Orchestrator.Shared.Data;

namespace Orchestrator.Shared.Tests.Data;

public class LabelAlignerTests
{
    private static readonly LabelSet Conll = new(new[] { "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC" });
    private static readonly int?[] CourseWordIds = { null, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, null };
    private static readonly int[] CourseLabels = { 3, 0, 7, 0, 0, 0, 7, 0, 0 };

    [Fact]
    public void Course_example_labels_every_sub_token()
    {
        var aligned = new LabelAligner(Conll).Align(CourseWordIds, CourseLabels);

        Assert.Equal(new[] { -100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100 }, aligned);
    }

    [Fact]
    public void Course_example_first_sub_token_only()
    {
        var aligned = new LabelAligner(Conll, firstSubtokenOnly: true).Align(CourseWordIds, CourseLabels);

        Assert.Equal(new[] { -100, 3, 0, 7, 0, 0, 0, 7, 0, -100, 0, -100 }, aligned);
    }

    [Fact]
    public void B_becomes_I_by_name_in_any_label_order()
    {
        // I-X before B-X and types interleaved: parity tricks would pick the wrong label here.
        var labels = new LabelSet(new[] { "I-LOC", "O", "B-PER", "B-LOC", "I-PER", "B-MISC" });
        var wordIds = new int?[] { null, 0, 0, 0, 1, 1, 2, 2, null };
        var words = new[] { labels.Id("B-LOC"), labels.Id("B-PER"), labels.Id("B-MISC") };

        var aligned = new LabelAligner(labels).Align(wordIds, words);

        Assert.Equal(new[] { -100, 3, 0, 0, 2, 4, 5, 5, -100 }, aligned);
    }

    [Fact]
    public void I_labels_and_O_are_kept_on_continuations()
    {
        var wordIds = new int?[] { null, 0, 0, 1, 1, null };
        var aligned = new LabelAligner(Conll).Align(wordIds, new[] { 2, 0 });

        Assert.Equal(new[] { -100, 2, 2, 0, 0, -100 }, aligned);
    }

    [Fact]
    public void Pair_encodings_restart_words_after_a_special_token()
    {
        // Word 0 appears again after [SEP] (e.g. a second segment): it is a new first sub-token.
        var aligned = new LabelAligner(Conll).Align(new int?[] { null, 0, 0, null, 0, null }, new[] { 1 });

        Assert.Equal(new[] { -100, 1, 2, -100, 1, -100 }, aligned);
    }

    [Fact]
    public void Lost_words_count_words_without_tokens()
    {
        Assert.Equal(0, LabelAligner.LostWords(CourseWordIds, 9));
        Assert.Equal(3, LabelAligner.LostWords(new int?[] { null, 0, 1, 2, 3, 4, 5, null }, 9));
    }

    [Fact]
    public void Out_of_range_word_labels_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new LabelAligner(Conll).Align(new int?[] { null, 0, null }, new[] { 9 }));
        Assert.Throws<ArgumentException>(() => new LabelAligner(Conll).Align(new int?[] { null, 1, null }, new[] { 0 }));
    }
}
