using Orchestrator.Shared.Text.SentencePiece;

namespace Orchestrator.Shared.Text;

public sealed partial class T5Tokenizer
{
    /// <summary>
    /// `tokenizer(text)` / `tokenizer(text, pair, max_length=..., truncation=...)`: `A &lt;/s&gt;` or `A &lt;/s&gt; B &lt;/s&gt;`.
    /// <paramref name="maxLength"/> counts the `&lt;/s&gt;` tokens; the pair rule is <see cref="PairTruncation"/>
    /// (only_first keeps B whole and cuts A, as the tutorial's `truncation="only_first"` does).
    /// As T5Tokenizer does, a text whose tokens already end with `&lt;/s&gt;` gets no second one.
    /// </summary>
    public Encoding Encode(string text, string? pair = null, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = new List<Token>();
        Tokenize(text, first, wordOffset: 0, out _);
        List<Token>? second = null;
        if (pair is not null)
        {
            second = new List<Token>();
            Tokenize(pair, second, wordOffset: 0, out _);
        }
        return Build(first, second, maxLength, truncation);
    }

    /// <summary>
    /// Pre-tokenized input (`is_split_into_words=True`): each word is encoded on its own (so each gets its "▁"),
    /// word ids index <paramref name="words"/>, offsets are into the word.
    /// </summary>
    public Encoding EncodeWords(IReadOnlyList<string> words, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        var tokens = new List<Token>();
        for (int w = 0; w < words.Count; w++)
        {
            int before = tokens.Count;
            Tokenize(words[w], tokens, 0, out _);
            for (int i = before; i < tokens.Count; i++) tokens[i] = tokens[i] with { Word = w };
        }
        return Build(tokens, null, maxLength, TruncationStrategy.LongestFirst);
    }

    /// <summary>Encodes texts on all cores; result i belongs to input i.</summary>
    public Encoding[] EncodeBatch(IReadOnlyList<string> texts, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst)
    {
        var result = new Encoding[texts.Count];
        Parallel.For(0, texts.Count, i => result[i] = Encode(texts[i], null, maxLength, truncation));
        return result;
    }

    /// <summary>Encodes text pairs on all cores; result i belongs to pair i.</summary>
    public Encoding[] EncodeBatch(IReadOnlyList<(string Text, string? Pair)> pairs, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst)
    {
        var result = new Encoding[pairs.Count];
        Parallel.For(0, pairs.Count, i => result[i] = Encode(pairs[i].Text, pairs[i].Pair, maxLength, truncation));
        return result;
    }

    /// <summary>The ids of a text without `&lt;/s&gt;` (T5Tokenizer's `encode(text, add_special_tokens=False)`).</summary>
    public int[] EncodeWithoutSpecialTokens(string text)
    {
        var tokens = new List<Token>();
        Tokenize(text, tokens, 0, out _);
        return tokens.Select(t => t.Id).ToArray();
    }

    /// <summary>
    /// `padding="max_length"`: pads with `&lt;pad&gt;` (id 0) and attention mask 0 up to <paramref name="length"/>;
    /// an encoding already that long is returned unchanged.
    /// </summary>
    public Encoding Pad(Encoding encoding, int length)
    {
        int extra = length - encoding.Length;
        if (extra <= 0) return encoding;
        return new Encoding(
            [.. encoding.InputIds, .. Enumerable.Repeat(PadTokenId, extra)],
            [.. encoding.TokenTypeIds, .. new int[extra]],
            [.. encoding.AttentionMask, .. new int[extra]],
            [.. encoding.WordIds, .. new int?[extra]],
            [.. encoding.Offsets, .. new (int, int)[extra]],
            [.. encoding.Tokens, .. Enumerable.Repeat(Options.PadToken, extra)]);
    }

    private readonly record struct Token(int Id, int Start, int End, int Word);

    /// <summary>
    /// Splits <paramref name="text"/> on added tokens and encodes the stretches between them with SentencePiece.
    /// Word ids: an added token is a word; in a stretch, a piece starting with "▁" starts a new word
    /// (the Metaspace pre-tokenizer's words).
    /// </summary>
    private void Tokenize(string text, List<Token> output, int wordOffset, out int words)
    {
        int word = wordOffset - 1;
        int from = 0;
        var pieces = new List<EncodedPiece>();
        while (from <= text.Length)
        {
            bool found = _addedTokens.TryFindNext(text, from, out int position, out int length, out int addedId);
            int end = found ? position : text.Length;
            if (end > from) EncodeStretch(text, from, end, pieces, output, ref word);
            if (!found) break;
            output.Add(new Token(addedId, position, position + length, ++word));
            from = position + length;
        }
        words = word + 1 - wordOffset;
    }

    private void EncodeStretch(string text, int start, int end, List<EncodedPiece> pieces, List<Token> output, ref int word)
    {
        var stretch = text.AsSpan(start, end - start);
        var utf8 = System.Text.Encoding.UTF8.GetBytes(stretch.ToArray());
        // UTF-16 index (into text) of every UTF-8 byte offset of the stretch.
        var charAt = new int[utf8.Length + 1];
        int byteIndex = 0;
        for (int i = 0; i < stretch.Length; i++)
        {
            int units = char.IsHighSurrogate(stretch[i]) && i + 1 < stretch.Length && char.IsLowSurrogate(stretch[i + 1]) ? 2 : 1;
            int bytes = units == 2 ? 4 : stretch[i] < 0x80 ? 1 : stretch[i] < 0x800 ? 2 : 3;
            for (int b = 0; b < bytes; b++) charAt[byteIndex + b] = start + i;
            byteIndex += bytes;
            i += units - 1;
        }
        charAt[utf8.Length] = end;

        pieces.Clear();
        _processor.Encode(utf8, pieces);
        bool firstPiece = true;
        foreach (var piece in pieces)
        {
            if (firstPiece || _processor.IdToPiece(piece.Id).StartsWith('\u2581')) word++;
            firstPiece = false;
            output.Add(new Token(piece.Id, charAt[piece.ByteStart], charAt[piece.ByteEnd], word));
        }
    }

    private Encoding Build(List<Token> first, List<Token>? second, int? maxLength, TruncationStrategy truncation)
    {
        if (maxLength is int max && truncation != TruncationStrategy.DoNotTruncate)
        {
            var (keepFirst, keepSecond) = PairTruncation.Lengths(first.Count, second?.Count ?? 0, max, NumSpecialTokensToAdd(second is not null), truncation);
            first.RemoveRange(keepFirst, first.Count - keepFirst);
            second?.RemoveRange(keepSecond, second.Count - keepSecond);
        }
        var all = new List<Token>(first.Count + (second?.Count ?? 0) + 2);
        AppendWithEos(all, first);
        if (second is not null) AppendWithEos(all, second);

        int n = all.Count;
        var ids = new int[n];
        var wordIds = new int?[n];
        var offsets = new (int, int)[n];
        var tokens = new string[n];
        for (int i = 0; i < n; i++)
        {
            var t = all[i];
            ids[i] = t.Id;
            wordIds[i] = t.Word < 0 ? null : t.Word;
            offsets[i] = (t.Start, t.End);
            tokens[i] = IdToToken(t.Id)!;
        }
        var ones = new int[n];
        Array.Fill(ones, 1);
        return new Encoding(ids, new int[n], ones, wordIds, offsets, tokens);
    }

    private void AppendWithEos(List<Token> all, List<Token> text)
    {
        all.AddRange(text);
        if (text.Count == 0 || text[^1].Id != EosTokenId) all.Add(new Token(EosTokenId, 0, 0, -1));
    }
}
