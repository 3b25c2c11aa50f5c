namespace Orchestrator.Shared.Text.SentencePiece;

/// <summary>
/// sentencepiece's Unigram segmentation (unigram_model.cc, EncodeOptimized): the best path through the lattice
/// of every vocabulary piece found in the normalized text, by the sum of the pieces' log-probability scores.
/// A character no piece of one character covers gets an unknown node scored min_score - 10. User-defined
/// symbols score length * max_score - 0.1, so they always win. The arithmetic follows the C++ exactly (a
/// piece's candidate score is summed in double and stored in float; the unknown's is summed in float), so
/// ties and near-ties resolve the same way.
/// </summary>
internal sealed class UnigramModel
{
    private const float UnkPenalty = 10.0f;

    private readonly PieceTrie _trie;
    private readonly float[] _scores;
    private readonly PieceType[] _types;
    private readonly float _maxScore;
    private readonly float _unkScore;
    private readonly int _unkId;

    public UnigramModel(IReadOnlyList<Piece> pieces, int unkId)
    {
        _scores = pieces.Select(p => p.Score).ToArray();
        _types = pieces.Select(p => p.Type).ToArray();
        _unkId = unkId;
        // The C++ starts from FLT_MAX / FLT_MIN (the smallest positive float, not the most negative one).
        float minScore = float.MaxValue, maxScore = BitConverter.Int32BitsToSingle(0x00800000);
        foreach (var p in pieces)
        {
            if (p.Type != PieceType.Normal) continue;
            minScore = Math.Min(minScore, p.Score);
            maxScore = Math.Max(maxScore, p.Score);
        }
        _maxScore = maxScore;
        _unkScore = minScore - UnkPenalty;
        _trie = new PieceTrie(pieces
            .Select((p, id) => (p, id))
            .Where(x => x.p.Type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused)
            .Select(x => (System.Text.Encoding.UTF8.GetBytes(x.p.Text), x.id)));
    }

    /// <summary>Exact lookup among normal, user-defined and unused pieces; -1 if absent.</summary>
    public int FindPiece(ReadOnlySpan<byte> utf8) => _trie.Find(utf8);

    /// <summary>
    /// Segments <paramref name="normalized"/> and appends (byte start, byte end, id) per piece, left to right.
    /// <paramref name="lattice"/> is scratch space reused across calls.
    /// </summary>
    public void Encode(ReadOnlySpan<byte> normalized, ref ValueListBuilder<(int Start, int End, int Id)> result, ref ValueListBuilder<BestPath> lattice)
    {
        int size = normalized.Length;
        if (size == 0) return;
        lattice.Clear();
        var best = lattice.AppendSpan(size + 1);
        best.Fill(new BestPath(-1, 0f, -1));

        int startsAt = 0;
        while (startsAt < size)
        {
            float scoreTillHere = best[startsAt].Score;
            bool hasSingleNode = false;
            int charLength = Math.Min(Utf8Char.LengthFromLead(normalized[startsAt]), size - startsAt);
            int node = PieceTrie.Root;
            for (int keyPos = startsAt; keyPos < size;)
            {
                if (!_trie.TryStep(ref node, normalized[keyPos])) break;
                keyPos++;
                int id = _trie.ValueAt(node);
                if (id < 0 || _types[id] == PieceType.Unused) continue;
                int length = keyPos - startsAt;
                double score = _types[id] == PieceType.UserDefined ? (double)(length * _maxScore) - 0.1 : _scores[id];
                double candidate = score + scoreTillHere;
                ref var target = ref best[keyPos];
                if (target.StartsAt == -1 || candidate > target.Score)
                {
                    target = new BestPath(id, (float)candidate, startsAt);
                }
                if (length == charLength) hasSingleNode = true;
            }
            if (!hasSingleNode)
            {
                ref var target = ref best[startsAt + charLength];
                float candidate = _unkScore + scoreTillHere;
                if (target.StartsAt == -1 || candidate > target.Score)
                {
                    target = new BestPath(_unkId, candidate, startsAt);
                }
            }
            startsAt += charLength;
        }

        // Backtrack from the end, then reverse into place.
        int first = result.Count;
        for (int endsAt = size; endsAt > 0;)
        {
            var node = best[endsAt];
            result.Append((node.StartsAt, endsAt, node.Id));
            endsAt = node.StartsAt;
        }
        result.AsSpan()[first..].Reverse();
    }

    /// <summary>The best path ending at a byte position: its last piece, total score and where that piece starts.</summary>
    internal readonly record struct BestPath(int Id, float Score, int StartsAt);
}
