

namespace Orchestrator.Shared.Text.SentencePiece;

/// <summary>One piece of an encoding: its id and the UTF-8 byte span of the input it came from.</summary>
public readonly record struct EncodedPiece(int Id, int ByteStart, int ByteEnd);

/// <summary>
/// A SentencePiece Unigram model as google/sentencepiece's SentencePieceProcessor runs it (normalize, Viterbi,
/// then sentencepiece_processor.cc's post-processing: a run of unknown characters becomes one &lt;unk&gt;, or,
/// with byte fallback, each unknown character becomes its UTF-8 bytes `&lt;0xXX&gt;`). Pure C#; thread-safe.
/// </summary>
public sealed class SentencePieceProcessor
{
    private static readonly string SpaceSymbol = "\u2581";

    private readonly SentencePieceNormalizer _normalizer;
    private readonly UnigramModel _model;
    private readonly string[] _pieces;
    private readonly PieceType[] _types;
    private readonly Dictionary<string, int> _reservedIds = new(StringComparer.Ordinal);
    private readonly int[] _byteIds = new int[256];

    [ThreadStatic] private static Scratch? t_scratch;

    public SentencePieceProcessor(ModelProto model, string source = "spiece.model")
    {
        Model = model;
        Source = source;
        if (model.ModelType != 1)
            throw new FormatException($"{source}: trainer_spec.model_type is {model.ModelType}; only Unigram (1) is supported");
        if (model.HasDenormalizer)
            throw new FormatException($"{source}: the model has a denormalizer_spec with rules; decoding with a denormalizer is not supported");
        _pieces = model.Pieces.Select(p => p.Text).ToArray();
        _types = model.Pieces.Select(p => p.Type).ToArray();

        int unkId = -1;
        var normalIds = new HashSet<string>(StringComparer.Ordinal);
        Array.Fill(_byteIds, -1);
        for (int id = 0; id < _pieces.Length; id++)
        {
            var piece = _pieces[id];
            var type = _types[id];
            if (piece.Length == 0) throw new FormatException($"{source}: pieces[{id}] is empty");
            bool isNormal = type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused;
            if (!(isNormal ? normalIds.Add(piece) : _reservedIds.TryAdd(piece, id)))
                throw new FormatException($"{source}: pieces[{id}] '{piece}' is already defined");
            if (type == PieceType.Unknown)
            {
                if (unkId >= 0) throw new FormatException($"{source}: pieces[{id}]: a second unknown piece (the first is {unkId})");
                unkId = id;
            }
            if (type == PieceType.Byte)
            {
                if (!model.ByteFallback) throw new FormatException($"{source}: byte piece '{piece}' (pieces[{id}]) although byte_fallback is false");
                int b = PieceToByte(piece);
                if (b < 0) throw new FormatException($"{source}: pieces[{id}] '{piece}' is not a valid byte piece");
                _byteIds[b] = id;
            }
        }
        if (unkId < 0) throw new FormatException($"{source}: no piece has the type UNKNOWN");
        if (model.ByteFallback && _byteIds.Contains(-1))
            throw new FormatException($"{source}: byte_fallback is true but not all 256 byte pieces <0x00>..<0xFF> exist");
        UnkId = unkId;
        _normalizer = new SentencePieceNormalizer(model,
            Enumerable.Range(0, _pieces.Length).Where(i => _types[i] == PieceType.UserDefined).Select(i => _pieces[i]), source);
        _model = new UnigramModel(model.Pieces, unkId);
    }

    public ModelProto Model { get; }
    public string Source { get; }
    public int UnkId { get; }
    /// <summary>Number of pieces (sentencepiece's GetPieceSize).</summary>
    public int PieceCount => _pieces.Length;

    public string IdToPiece(int id) => _pieces[id];
    public PieceType TypeOf(int id) => _types[id];

    /// <summary>The id of a piece, or the unknown id (sentencepiece's PieceToId).</summary>
    public int PieceToId(string piece) =>
        _reservedIds.TryGetValue(piece, out int id) ? id : _model.FindPiece(System.Text.Encoding.UTF8.GetBytes(piece)) is >= 0 and var found ? found : UnkId;

    /// <summary>The ids of <paramref name="text"/> (sentencepiece's EncodeAsIds, no BOS/EOS).</summary>
    public int[] EncodeAsIds(string text)
    {
        var pieces = new List<EncodedPiece>();
        Encode(System.Text.Encoding.UTF8.GetBytes(text), pieces);
        return pieces.Select(p => p.Id).ToArray();
    }

    /// <summary>Encodes UTF-8 text, appending each piece with its byte span in <paramref name="utf8"/>.</summary>
    public void Encode(ReadOnlySpan<byte> utf8, ICollection<EncodedPiece> output)
    {
        var scratch = t_scratch ??= new Scratch();
        _normalizer.Normalize(utf8, ref scratch.Normalized, ref scratch.NormToOrig);
        scratch.Segments.Clear();
        _model.Encode(scratch.Normalized.AsSpan(), ref scratch.Segments, ref scratch.Lattice);

        var normToOrig = scratch.NormToOrig.AsSpan();
        var normalized = scratch.Normalized.AsSpan();
        bool previousUnknown = false;
        EncodedPiece? pendingUnknown = null;
        foreach (var (start, end, id) in scratch.Segments.AsSpan())
        {
            int origStart = normToOrig[start], origEnd = normToOrig[end];
            bool unknown = id == UnkId;
            if (unknown && Model.ByteFallback)
            {
                // Each byte of the unknown character; the last one carries the character's span.
                for (int i = start; i < end; i++)
                {
                    output.Add(i == end - 1
                        ? new EncodedPiece(_byteIds[normalized[i]], origStart, origEnd)
                        : new EncodedPiece(_byteIds[normalized[i]], origStart, origStart));
                }
            }
            else if (unknown && previousUnknown)
            {
                // sentencepiece merges a run of unknown pieces into one.
                pendingUnknown = pendingUnknown!.Value with { ByteEnd = origEnd };
            }
            else
            {
                if (pendingUnknown is { } p) output.Add(p);
                pendingUnknown = null;
                if (unknown) pendingUnknown = new EncodedPiece(id, origStart, origEnd);
                else output.Add(new EncodedPiece(id, origStart, origEnd));
            }
            previousUnknown = unknown;
        }
        if (pendingUnknown is { } last) output.Add(last);
    }

    /// <summary>The normalized text sentencepiece segments (with "▁" for spaces), for inspection.</summary>
    public string Normalize(string text)
    {
        var scratch = t_scratch ??= new Scratch();
        _normalizer.Normalize(System.Text.Encoding.UTF8.GetBytes(text), ref scratch.Normalized, ref scratch.NormToOrig);
        return System.Text.Encoding.UTF8.GetString(scratch.Normalized.AsSpan());
    }

    /// <summary>
    /// sentencepiece's DecodeIds: control pieces vanish, &lt;unk&gt; becomes the unk surface (" ⁇ "), "▁" becomes a
    /// space, the leading space of the text is dropped (with remove_extra_whitespaces: every leading space), and
    /// runs of byte pieces are reassembled into UTF-8 (an invalid byte becomes U+FFFD).
    /// Ids outside the vocabulary are an error here; callers that may see them filter first.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        var text = new System.Text.StringBuilder();
        var bytes = new List<byte>();
        bool isBosWs = true, bosWsSeen = false;
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_pieces.Length) throw new ArgumentOutOfRangeException(nameof(ids), id, $"id {id} is not in the {_pieces.Length}-piece vocabulary");
            if (_types[id] == PieceType.Byte)
            {
                bytes.Add((byte)PieceToByte(_pieces[id]));
                continue;
            }
            FlushBytes(bytes, text);
            if (bosWsSeen || text.Length > 0) isBosWs = false;
            (string decoded, bosWsSeen) = DecodePiece(id, isBosWs);
            text.Append(decoded);
        }
        FlushBytes(bytes, text);
        return text.ToString();
    }

    private (string Text, bool HasBosWs) DecodePiece(int id, bool isBosWs)
    {
        var piece = _pieces[id];
        switch (_types[id])
        {
            case PieceType.Control: return ("", false);
            case PieceType.Unknown: return (Model.UnkSurface, false);
        }
        bool hasBosWs = false;
        if (isBosWs && (Model.AddDummyPrefix || Model.RemoveExtraWhitespaces))
        {
            if (piece.StartsWith(SpaceSymbol, StringComparison.Ordinal))
            {
                piece = piece[SpaceSymbol.Length..];
                hasBosWs = true;
            }
            // With remove_extra_whitespaces every leading space is removed, not only the first.
            if (Model.RemoveExtraWhitespaces) hasBosWs = false;
        }
        return (piece.Replace(SpaceSymbol, " ", StringComparison.Ordinal), hasBosWs);
    }

    private static void FlushBytes(List<byte> bytes, System.Text.StringBuilder text)
    {
        if (bytes.Count == 0) return;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        while (!span.IsEmpty)
        {
            if (Utf8Char.TryDecode(span, out int length)) text.Append(System.Text.Encoding.UTF8.GetString(span[..length]));
            else text.Append('\uFFFD');
            span = span[length..];
        }
        bytes.Clear();
    }

    /// <summary>`&lt;0x41&gt;` -> 0x41; -1 for anything else.</summary>
    private static int PieceToByte(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>' &&
        int.TryParse(piece.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out int b) &&
        piece == $"<0x{b:X2}>" ? b : -1;

    private sealed class Scratch
    {
        public ValueListBuilder<byte> Normalized = new(256);
        public ValueListBuilder<int> NormToOrig = new(256);
        public ValueListBuilder<(int Start, int End, int Id)> Segments = new(64);
        public ValueListBuilder<UnigramModel.BestPath> Lattice = new(256);
    }
}
