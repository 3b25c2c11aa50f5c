using Orchestrator.Shared.Data;

namespace Orchestrator.Shared.Tests.Data;

public class VocabularyBuilderTests
{
    [Fact]
    public void Specials_then_characters_then_frequent_words()
    {
        var builder = new VocabularyBuilder();
        builder.AddText("the cat sat on the mat , the end .");

        var vocab = builder.Build(100);

        Assert.Equal(VocabularyBuilder.SpecialTokens, vocab.Take(5));
        Assert.Equal(new[] { ",", ".", "a", "c", "d", "e", "h", "m", "n", "o", "s", "t" }, vocab.Skip(5).Take(12));
        Assert.Equal("##,", vocab[17]);
        Assert.Equal("the", vocab[29]);
        Assert.Equal(vocab.Count, vocab.Distinct().Count());
    }

    [Fact]
    public void Size_limit_is_respected_and_pieces_fill_when_words_do_not_fit()
    {
        var builder = new VocabularyBuilder();
        var text = string.Join(" ", new[] { "walk", "talk", "jump", "play", "call", "look", "work", "open" }
            .Select(stem => $"{stem}ing {stem}ed {stem}s {stem}er"));
        builder.AddText(text);
        int basic = 5 + 2 * text.Replace(" ", "").Distinct().Count();

        var vocab = builder.Build(basic + 8);

        Assert.Equal(basic + 8, vocab.Count);
        Assert.Contains(vocab, t => t.StartsWith("##") && t.Length > 3);
    }

    [Fact]
    public void Lowercase_strips_accents_and_too_small_sizes_fail()
    {
        var builder = new VocabularyBuilder(lowercase: true);
        builder.AddText("Café RÉSUMÉ");

        var vocab = builder.Build(100);

        Assert.Contains("cafe", vocab);
        Assert.Contains("resume", vocab);
        Assert.DoesNotContain("é", vocab);
        Assert.Throws<ArgumentException>(() => builder.Build(8));
    }

    [Fact]
    public void Pre_tokenizer_splits_punctuation_and_cjk_by_code_point()
    {
        Assert.Equal(new[] { "Strand", "-", "Ivers", "'", "s", "日", "本", "ok", "😀x" },
            VocabularyBuilder.PreTokenize("Strand-Ivers's 日本ok\t😀x"));
    }
}
