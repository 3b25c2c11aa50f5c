using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Tests.Text;

public sealed class BertTokenizerTests
{
    [Theory]
    [InlineData("json")]
    [InlineData("vocab")]
    public void Course_example_pre_tokenized_gives_the_course_tokens_and_word_ids(string form)
    {
        var tokenizer = TestTokenizers.Get("cased", form);
        var words = "EU rejects German call to boycott British lamb .".Split(' ');

        var encoding = tokenizer.EncodeWords(words);

        Assert.Equal("[CLS] EU rejects German call to boycott British la ##mb . [SEP]".Split(' '), encoding.Tokens);
        Assert.Equal(new int?[] { null, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, null }, encoding.WordIds);
        Assert.Equal((0, 2), encoding.Offsets[8]); // "la" within "lamb"
        Assert.Equal((2, 4), encoding.Offsets[9]); // "##mb"
        Assert.All(encoding.TokenTypeIds, t => Assert.Equal(0, t));
        Assert.Equal(tokenizer.TokenToId("[CLS]"), encoding.InputIds[0]);
    }

    [Fact]
    public void Offsets_point_into_the_original_text_after_accent_stripping_and_lower_casing()
    {
        var tokenizer = TestTokenizers.Get("uncased", "json");
        const string text = "CAFÉ Cafe\u0301 NAÏVE İstanbul";

        var encoding = tokenizer.Encode(text);

        Assert.Equal("[CLS] cafe cafe naive istanbul [SEP]".Split(' '), encoding.Tokens);
        Assert.Equal("CAFÉ", Slice(text, encoding.Offsets[1]));
        Assert.Equal("Cafe", Slice(text, encoding.Offsets[2])); // a dropped combining accent is a code point of its own, outside
        Assert.Equal("NAÏVE", Slice(text, encoding.Offsets[3]));
        Assert.Equal("İstanbul", Slice(text, encoding.Offsets[4]));
    }

    [Fact]
    public void Supplementary_plane_ideographs_are_split_and_offsets_count_utf16_units()
    {
        var tokenizer = TestTokenizers.Get("cased", "json");

        var encoding = tokenizer.Encode("x𠀀y😀");

        Assert.Equal(new[] { "[CLS]", "x", "𠀀", "y", "##😀", "[SEP]" }, encoding.Tokens);
        Assert.Equal(new[] { (0, 0), (0, 1), (1, 3), (3, 4), (4, 6), (0, 0) }, encoding.Offsets);
    }

    [Fact]
    public void Pair_has_segment_ids_and_word_ids_per_text()
    {
        var tokenizer = TestTokenizers.Get("cased", "json");

        var encoding = tokenizer.Encode("EU lamb", "British call");

        Assert.Equal("[CLS] EU la ##mb [SEP] British call [SEP]".Split(' '), encoding.Tokens);
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 1, 1, 1 }, encoding.TokenTypeIds);
        Assert.Equal(new int?[] { null, 0, 1, 1, null, 0, 1, null }, encoding.WordIds);
        Assert.Equal((8, 12), encoding.Offsets[6]);
    }

    [Fact]
    public void Pre_tokenized_pair_counts_word_ids_per_side_and_truncates_like_text_pairs()
    {
        var tokenizer = TestTokenizers.Get("cased", "json");

        var encoding = tokenizer.EncodeWordsPair(["EU", "lamb"], ["British", "lamb", "call"], maxLength: 7);

        Assert.Equal("[CLS] EU la [SEP] British la [SEP]".Split(' '), encoding.Tokens);
        Assert.Equal(new int?[] { null, 0, 1, null, 0, 1, null }, encoding.WordIds);
        Assert.Equal(new[] { 0, 0, 0, 0, 1, 1, 1 }, encoding.TokenTypeIds);
    }

    [Fact]
    public void Special_tokens_in_text_stay_whole_and_long_or_unknown_words_become_unk()
    {
        var tokenizer = TestTokenizers.Get("cased", "json");
        var longWord = new string('a', 101);

        var encoding = tokenizer.Encode($"x[MASK]y {longWord} {new string('a', 100)} Ⓠ");

        Assert.Equal("[CLS] x [MASK] y [UNK]".Split(' '), encoding.Tokens[..5]);
        Assert.Equal((1, 7), encoding.Offsets[2]);
        Assert.Equal((9, 110), encoding.Offsets[4]);
        Assert.Equal("a", encoding.Tokens[5]);
        Assert.Equal(99, encoding.Tokens.Count(t => t == "##a"));
        Assert.Equal("[UNK]", encoding.Tokens[^2]);
    }

    [Fact]
    public void Truncation_keeps_the_separators_and_follows_the_longest_first_rule()
    {
        var tokenizer = TestTokenizers.Get("cased", "json");

        var encoding = tokenizer.Encode("a b c d e f", "x y z", maxLength: 8);

        Assert.Equal("[CLS] a b c [SEP] x y [SEP]".Split(' '), encoding.Tokens);
        Assert.Equal(8, encoding.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Encode("a b", "c", maxLength: 2));
        Assert.Throws<ArgumentException>(() => tokenizer.Encode("a b c", "x y z", maxLength: 6, truncation: TruncationStrategy.OnlyFirst));
        Assert.Equal(12, tokenizer.Encode("a b c d e f", "x y z", maxLength: 8, truncation: TruncationStrategy.DoNotTruncate).Length);
    }

    [Theory]
    [InlineData(3, 3, 3, 2, 1)]  // odd budget, equal lengths: the spare token goes to the first text (tokenizers 0.23: the second)
    [InlineData(8, 4, 1, 1, 0)]  // no capping at max_length: the first text is the longer (tokenizers 0.23: 0, 1)
    [InlineData(8, 3, 1, 1, 0)]
    [InlineData(5, 2, 3, 2, 1)]  // the longer loses tokens until both have 2, then the second loses one
    [InlineData(2, 5, 3, 2, 1)]  // the same from the other side: still the first keeps the spare token
    [InlineData(1, 9, 4, 1, 3)]  // the short text is kept whole
    [InlineData(9, 1, 4, 3, 1)]
    [InlineData(9, 9, 0, 0, 0)]  // budget 0 empties both
    [InlineData(2, 2, 4, 2, 2)]  // fits: unchanged
    public void Pair_truncation_rule(int first, int second, int budget, int keptFirst, int keptSecond)
    {
        Assert.Equal((keptFirst, keptSecond), PairTruncation.Lengths(first, second, budget + 3, 3, TruncationStrategy.LongestFirst));
    }

    /// <summary>
    /// The closed form equals the loop of Hugging Face's slow tokenizer (transformers' truncate_sequences,
    /// longest_first): remove one token at a time from the longer text, from the second when they are equal.
    /// </summary>
    [Fact]
    public void Longest_first_equals_removing_one_token_at_a_time_from_the_longer_text()
    {
        for (int first = 0; first <= 20; first++)
        for (int second = 0; second <= 20; second++)
        for (int budget = 0; budget <= 24; budget++)
        {
            int a = first, b = second;
            for (int remove = a + b - budget; remove > 0; remove--)
                if (a > b) a--; else b--;
            Assert.Equal((a, b), PairTruncation.Lengths(first, second, budget + 3, 3, TruncationStrategy.LongestFirst));
        }
    }

    /// <summary>
    /// The example: two long words, max_length 6, so a budget of 3 for two texts of many pieces each. The
    /// test vocabularies have neither "##ne" nor "super", so the pieces of a bert-base-uncased-like vocabulary are
    /// written here (uncased, our own list); the same rule on the test vocabularies gives two pieces to the first text.
    /// </summary>
    [Fact]
    public void Two_long_words_share_an_odd_budget_with_the_spare_token_on_the_first_text()
    {
        using var dir = new TempVocabulary(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "p", "super",
            "##ne", "##um", "##ono", "##ult", "##ram", "##ic", "##ros", "##copic", "##sil", "##ico", "##vo", "##lc", "##ano", "##con", "##ios", "##is",
            "##cal", "##if", "##rag", "##ilis", "##tic", "##ex", "##pia", "##lid", "##oc", "##ious"]);
        var tokenizer = BertTokenizer.Load(dir.Path);
        const string first = "Pneumonoultramicroscopicsilicovolcanoconiosis", second = "Supercalifragilisticexpialidocious";
        Assert.Equal(17, tokenizer.Encode(first).Length - 2);
        Assert.Equal(11, tokenizer.Encode(second).Length - 2);

        var encoding = tokenizer.Encode(first, second, maxLength: 6);

        Assert.Equal("[CLS] p ##ne [SEP] super [SEP]", string.Join(" ", encoding.Tokens));
        Assert.Equal(new[] { 0, 0, 0, 0, 1, 1 }, encoding.TokenTypeIds);
        Assert.Equal(new int?[] { null, 0, 0, null, 0, null }, encoding.WordIds);
        Assert.Equal("[CLS] P ##n [SEP] S [SEP]", string.Join(" ", TestTokenizers.Get("cased", "json").Encode(first, second, maxLength: 6).Tokens));
        Assert.Equal("[CLS] p ##n [SEP] s [SEP]", string.Join(" ", TestTokenizers.Get("uncased", "json").Encode(first, second, maxLength: 6).Tokens));
        // One more token of budget: the texts are equal (2 and 2) after the longer lost its extra pieces.
        Assert.Equal("[CLS] p ##ne [SEP] super ##cal [SEP]", string.Join(" ", tokenizer.Encode(first, second, maxLength: 7).Tokens));
    }

    private sealed class TempVocabulary : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("vocab-").FullName;
        public TempVocabulary(string[] tokens) => File.WriteAllLines(System.IO.Path.Combine(Path, "vocab.txt"), tokens);
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    [Fact]
    public void Decode_joins_pieces_and_cleans_up_spaces()
    {
        var tokenizer = TestTokenizers.Get("cased", "json");
        var ids = tokenizer.Encode("EU rejects British lamb . don't , ok").InputIds;

        Assert.Equal("EU rejects British lamb. don't, ok", tokenizer.Decode(ids));
        Assert.Equal("[CLS] EU rejects British lamb. don't, ok [SEP]", tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Batch_encoding_preserves_order_and_equals_one_by_one()
    {
        var tokenizer = TestTokenizers.Get("uncased", "json");
        var random = new Random(42);
        string[] pool = ["EU", "lamb", "café", "中国", "😀", "don't", "[MASK]", "naïve", "x", "tokenizer", "Σοφία", "!"];
        var texts = Enumerable.Range(0, 500).Select(_ => string.Join(" ", Enumerable.Range(0, random.Next(0, 30)).Select(_ => pool[random.Next(pool.Length)]))).ToArray();

        var batch = tokenizer.EncodeBatch(texts, maxLength: 16);

        for (int i = 0; i < texts.Length; i++)
        {
            var single = tokenizer.Encode(texts[i], maxLength: 16);
            Assert.Equal(single.InputIds, batch[i].InputIds);
            Assert.Equal(single.Offsets, batch[i].Offsets);
        }
        var words = texts.Select(t => (IReadOnlyList<string>)t.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var wordBatch = tokenizer.EncodeWordsBatch(words);
        for (int i = 0; i < words.Length; i++) Assert.Equal(tokenizer.EncodeWords(words[i]).WordIds, wordBatch[i].WordIds);
    }

    [Fact]
    public void Offsets_are_in_bounds_and_cover_the_token_text_for_random_input()
    {
        var tokenizer = TestTokenizers.Get("uncased", "vocab");
        var random = new Random(7);
        string alphabet = "abcxyzÉéü ,.!中😀𠀀\t\n\u0000\u0301[]MASK";
        for (int n = 0; n < 300; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)].ToString()));
            var encoding = tokenizer.Encode(text);
            int previousEnd = 0;
            for (int i = 1; i < encoding.Length - 1; i++)
            {
                var (start, end) = encoding.Offsets[i];
                Assert.InRange(start, previousEnd, text.Length);
                Assert.InRange(end, start + 1, text.Length);
                Assert.False(char.IsLowSurrogate(text[start]), $"offset {start} splits a surrogate pair in '{text}'");
                previousEnd = end;
            }
        }
    }

    private static string Slice(string text, (int Start, int End) offsets) => text[offsets.Start..offsets.End];
}
