namespace Orchestrator.Shared.Text;

public sealed partial class BertTokenizer
{
    /// <summary>
    /// Encodes one text or a pair. With <paramref name="maxLength"/>, the texts are truncated so the result,
    /// special tokens included, has at most that many tokens (rule: <see cref="PairTruncation"/>).
    /// </summary>
    public Encoding Encode(string text, string? pair = null, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scratch = GetScratch();
        TokenizeText(text, scratch.First, scratch.Normalized);
        if (pair is null) return Assemble(scratch.First, null, maxLength, truncation);
        TokenizeText(pair, scratch.Second, scratch.Normalized);
        return Assemble(scratch.First, scratch.Second, maxLength, truncation);
    }

    /// <summary>
    /// Pre-tokenized input (`is_split_into_words=True`): each word is matched for special tokens, normalized,
    /// split and WordPiece-tokenized on its own; word ids index <paramref name="words"/>; offsets are within the word.
    /// </summary>
    public Encoding EncodeWords(IReadOnlyList<string> words, int? maxLength = null) =>
        EncodeWordsPair(words, null, maxLength);

    /// <summary>A pre-tokenized pair; word ids of each side index its own word list.</summary>
    public Encoding EncodeWordsPair(IReadOnlyList<string> words, IReadOnlyList<string>? pairWords, int? maxLength = null,
        TruncationStrategy truncation = TruncationStrategy.LongestFirst)
    {
        ArgumentNullException.ThrowIfNull(words);
        var scratch = GetScratch();
        TokenizeWords(words, scratch.First, scratch.Normalized);
        if (pairWords is null) return Assemble(scratch.First, null, maxLength, truncation);
        TokenizeWords(pairWords, scratch.Second, scratch.Normalized);
        return Assemble(scratch.First, scratch.Second, maxLength, truncation);
    }

    /// <summary>Tokens without special tokens (HF's `tokenize`).</summary>
    public string[] Tokenize(string text)
    {
        var scratch = GetScratch();
        TokenizeText(text, scratch.First, scratch.Normalized);
        var tokens = new string[scratch.First.Count];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = IdToToken(scratch.First.IdAt(i))!;
        return tokens;
    }

    private void TokenizeText(string text, TokenSink sink, NormalizedBuffer normalized)
    {
        sink.Clear();
        int word = 0;
        TokenizeSegments(text, 0, sink, normalized, ref word, fixedWordId: -1);
    }

    private void TokenizeWords(IReadOnlyList<string> words, TokenSink sink, NormalizedBuffer normalized)
    {
        sink.Clear();
        for (int w = 0; w < words.Count; w++)
        {
            int unused = 0;
            TokenizeSegments(words[w] ?? throw new ArgumentException($"word {w} is null", nameof(words)), 0, sink, normalized, ref unused, fixedWordId: w);
        }
    }

    /// <summary>Splits on added tokens, then normalizes, pre-tokenizes and WordPiece-tokenizes each piece between them.</summary>
    private void TokenizeSegments(string text, int baseOffset, TokenSink sink, NormalizedBuffer normalized, ref int word, int fixedWordId)
    {
        var span = text.AsSpan();
        int position = 0;
        while (position < span.Length)
        {
            bool found = _addedTokens.TryFindNext(span, position, out int at, out int length, out int id);
            int segmentEnd = found ? at : span.Length;
            if (segmentEnd > position)
            {
                normalized.Clear();
                _normalizer.Normalize(span[position..segmentEnd], baseOffset + position, normalized);
                PreTokenizeAndModel(normalized, sink, ref word, fixedWordId);
            }
            if (!found) break;
            sink.Add(id, baseOffset + at, baseOffset + at + length, fixedWordId >= 0 ? fixedWordId : word++);
            position = at + length;
        }
    }

    /// <summary>BertPreTokenizer: whitespace separates words and is dropped; each punctuation character is a word.</summary>
    private void PreTokenizeAndModel(NormalizedBuffer text, TokenSink sink, ref int word, int fixedWordId)
    {
        var chars = text.Chars;
        int wordStart = -1;
        for (int i = 0; i < chars.Length; )
        {
            char c = chars[i];
            int cp = c;
            int length = 1;
            if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                cp = char.ConvertToUtf32(c, chars[i + 1]);
                length = 2;
            }
            bool space = CharClasses.IsWhitespace(cp);
            bool punctuation = !space && CharClasses.IsPunctuation(cp);
            if (space || punctuation)
            {
                if (wordStart >= 0)
                {
                    _model.Tokenize(text, wordStart, i, fixedWordId >= 0 ? fixedWordId : word++, sink);
                    wordStart = -1;
                }
                if (punctuation) _model.Tokenize(text, i, i + length, fixedWordId >= 0 ? fixedWordId : word++, sink);
            }
            else if (wordStart < 0) wordStart = i;
            i += length;
        }
        if (wordStart >= 0) _model.Tokenize(text, wordStart, chars.Length, fixedWordId >= 0 ? fixedWordId : word++, sink);
    }

    private Encoding Assemble(TokenSink first, TokenSink? second, int? maxLength, TruncationStrategy truncation)
    {
        int keepFirst = first.Count, keepSecond = second?.Count ?? 0;
        var template = second is null ? _template.Single : _template.Pair;
        int specials = second is null ? _template.SpecialCountSingle : _template.SpecialCountPair;
        if (maxLength is int max && truncation != TruncationStrategy.DoNotTruncate)
        {
            if (max < specials)
                throw new ArgumentOutOfRangeException(nameof(maxLength), max, $"max_length {max} is shorter than the {specials} special tokens");
            int budget = max - specials;
            if (second is null)
            {
                if (truncation == TruncationStrategy.OnlySecond && keepFirst > budget && budget > 0)
                    throw new ArgumentException("only_second truncation needs a second text");
                keepFirst = Math.Min(keepFirst, budget);
            }
            else (keepFirst, keepSecond) = PairTruncation.Lengths(keepFirst, keepSecond, max, specials, truncation);
        }

        int total = keepFirst + keepSecond + specials;
        var ids = new int[total];
        var types = new int[total];
        var mask = new int[total];
        var words = new int?[total];
        var offsets = new (int, int)[total];
        var tokens = new string[total];
        int n = 0;
        foreach (var piece in template)
        {
            if (!piece.IsSequence)
            {
                ids[n] = piece.SpecialId;
                types[n] = piece.TypeId;
                tokens[n] = piece.SpecialToken!;
                n++;
                continue;
            }
            var sink = piece.Sequence == 0 ? first : second!;
            int keep = piece.Sequence == 0 ? keepFirst : keepSecond;
            for (int i = 0; i < keep; i++, n++)
            {
                int id = sink.IdAt(i);
                ids[n] = id;
                types[n] = piece.TypeId;
                words[n] = sink.WordAt(i);
                offsets[n] = (sink.StartAt(i), sink.EndAt(i));
                tokens[n] = IdToToken(id)!;
            }
        }
        mask.AsSpan().Fill(1);
        return new Encoding(ids, types, mask, words, offsets, tokens);
    }
}
