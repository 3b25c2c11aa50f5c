using Google.Protobuf;

namespace Orchestrator.Shared.Text.SentencePiece;

/// <summary>The type of a piece (sentencepiece_model.proto, ModelProto.SentencePiece.Type).</summary>
public enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

public readonly record struct Piece(string Text, float Score, PieceType Type);

/// <summary>
/// The fields of a SentencePiece model (a serialized `sentencepiece.ModelProto`, the `spiece.model` of T5)
/// that encoding and decoding need. Field numbers and defaults are those of google/sentencepiece's
/// sentencepiece_model.proto; fields we do not use are skipped.
/// </summary>
public sealed record ModelProto
{
    public required IReadOnlyList<Piece> Pieces { get; init; }

    // TrainerSpec
    /// <summary>1 unigram, 2 BPE, 3 word, 4 char.</summary>
    public int ModelType { get; init; } = 1;
    public int UnkId { get; init; }
    public int BosId { get; init; } = 1;
    public int EosId { get; init; } = 2;
    public int PadId { get; init; } = -1;
    public bool ByteFallback { get; init; }
    public bool TreatWhitespaceAsSuffix { get; init; }
    /// <summary>What decoding writes for an `&lt;unk&gt;` piece (" ⁇ " by default).</summary>
    public string UnkSurface { get; init; } = " \u2047 ";

    // NormalizerSpec
    public string NormalizerName { get; init; } = "";
    public byte[] PrecompiledCharsmap { get; init; } = [];
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; } = true;
    public bool EscapeWhitespaces { get; init; } = true;
    /// <summary>True when the model carries a denormalizer (decode-time rules), which we do not apply.</summary>
    public bool HasDenormalizer { get; init; }

    public static ModelProto Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such SentencePiece model", path);
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException($"{path}: not a SentencePiece model (invalid protobuf: {e.Message})", e);
        }
    }

    /// <summary>Parses the serialized ModelProto field by field (proto2 wire format).</summary>
    public static ModelProto Parse(byte[] data)
    {
        var pieces = new List<Piece>();
        var model = new ModelProto { Pieces = pieces };
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: pieces.Add(ReadPiece(input.ReadBytes())); break;
                case 2: model = ReadTrainerSpec(input.ReadBytes(), model); break;
                case 3: model = ReadNormalizerSpec(input.ReadBytes(), model); break;
                case 5:
                    var denormalizer = ReadNormalizerSpec(input.ReadBytes(), new ModelProto { Pieces = [] });
                    model = model with { HasDenormalizer = denormalizer.PrecompiledCharsmap.Length > 0 };
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return model;
    }

    private static Piece ReadPiece(ByteString bytes)
    {
        string text = "";
        float score = 0;
        var type = PieceType.Normal;
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: text = input.ReadString(); break;
                case 2: score = input.ReadFloat(); break;
                case 3: type = (PieceType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Piece(text, score, type);
    }

    private static ModelProto ReadTrainerSpec(ByteString bytes, ModelProto model)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            model = WireFormat.GetTagFieldNumber(tag) switch
            {
                3 => model with { ModelType = input.ReadEnum() },
                24 => model with { TreatWhitespaceAsSuffix = input.ReadBool() },
                35 => model with { ByteFallback = input.ReadBool() },
                40 => model with { UnkId = input.ReadInt32() },
                41 => model with { BosId = input.ReadInt32() },
                42 => model with { EosId = input.ReadInt32() },
                43 => model with { PadId = input.ReadInt32() },
                44 => model with { UnkSurface = input.ReadString() },
                _ => Skip(input, model),
            };
        }
        return model;
    }

    private static ModelProto ReadNormalizerSpec(ByteString bytes, ModelProto model)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            model = WireFormat.GetTagFieldNumber(tag) switch
            {
                1 => model with { NormalizerName = input.ReadString() },
                2 => model with { PrecompiledCharsmap = input.ReadBytes().ToByteArray() },
                3 => model with { AddDummyPrefix = input.ReadBool() },
                4 => model with { RemoveExtraWhitespaces = input.ReadBool() },
                5 => model with { EscapeWhitespaces = input.ReadBool() },
                _ => Skip(input, model),
            };
        }
        return model;
    }

    private static ModelProto Skip(CodedInputStream input, ModelProto model)
    {
        input.SkipLastField();
        return model;
    }
}
