namespace Orchestrator.Shared.Text;

/// <summary>
/// Greedy longest-match-first WordPiece over one pre-tokenized word of the normalized text. A word longer
/// than <see cref="MaxInputCharsPerWord"/> code points, or with a position no piece matches, becomes one unknown token.
/// </summary>
internal sealed class WordPieceModel(WordPieceVocabulary vocabulary, int unkId, int maxInputCharsPerWord)
{
    public WordPieceVocabulary Vocabulary { get; } = vocabulary;
    public int UnkId { get; } = unkId;
    public int MaxInputCharsPerWord { get; } = maxInputCharsPerWord;

    /// <summary>Appends the pieces of normalized units [<paramref name="start"/>, <paramref name="end"/>) to <paramref name="sink"/>.</summary>
    public void Tokenize(NormalizedBuffer text, int start, int end, int wordId, TokenSink sink)
    {
        var word = text.Chars[start..end];
        int codePoints = word.Length;
        if (codePoints > MaxInputCharsPerWord)
        {
            for (int k = 0; k < word.Length; k++) if (char.IsLowSurrogate(word[k])) codePoints--;
            if (codePoints > MaxInputCharsPerWord)
            {
                sink.Add(UnkId, text.StartOf(start), text.EndOf(end - 1), wordId);
                return;
            }
        }

        int mark = sink.Count;
        int maxPiece = Vocabulary.MaxPieceLength;
        for (int pieceStart = 0; pieceStart < word.Length; )
        {
            bool continuation = pieceStart > 0;
            int pieceEnd = Math.Min(word.Length, pieceStart + maxPiece);
            if (pieceEnd < word.Length && char.IsLowSurrogate(word[pieceEnd])) pieceEnd--;
            int id = -1;
            while (pieceEnd > pieceStart)
            {
                if (Vocabulary.TryGetPiece(word[pieceStart..pieceEnd], continuation, out id)) break;
                id = -1;
                pieceEnd--;
                if (pieceEnd > pieceStart && char.IsLowSurrogate(word[pieceEnd])) pieceEnd--;
            }
            if (id < 0)
            {
                sink.Truncate(mark);
                sink.Add(UnkId, text.StartOf(start), text.EndOf(end - 1), wordId);
                return;
            }
            sink.Add(id, text.StartOf(start + pieceStart), text.EndOf(start + pieceEnd - 1), wordId);
            pieceStart = pieceEnd;
        }
    }
}

/// <summary>Token ids with offsets and word ids, in growable arrays reused across calls.</summary>
internal sealed class TokenSink
{
    private int[] _ids = new int[128], _starts = new int[128], _ends = new int[128], _words = new int[128];

    public int Count { get; private set; }
    public int IdAt(int i) => _ids[i];
    public int StartAt(int i) => _starts[i];
    public int EndAt(int i) => _ends[i];
    public int WordAt(int i) => _words[i];

    public void Clear() => Count = 0;
    public void Truncate(int count) => Count = count;

    public void Add(int id, int start, int end, int word)
    {
        if (Count == _ids.Length)
        {
            int size = Count * 2;
            Array.Resize(ref _ids, size);
            Array.Resize(ref _starts, size);
            Array.Resize(ref _ends, size);
            Array.Resize(ref _words, size);
        }
        _ids[Count] = id;
        _starts[Count] = start;
        _ends[Count] = end;
        _words[Count] = word;
        Count++;
    }
}
