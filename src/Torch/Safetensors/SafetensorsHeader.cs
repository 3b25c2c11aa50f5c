using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Torch.Safetensors;

/// <summary>
/// A parsed and fully validated safetensors header: every check the reference implementation makes
/// (and a few more: duplicate names, strict UTF-8, integer fields) happens here, before any tensor
/// memory is allocated, so sizes taken from the file are trusted only after they fit the file.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Largest header accepted, as in the reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    internal const string MetadataKey = "__metadata__";

    private SafetensorsHeader(long headerBytes, IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        HeaderBytes = headerBytes;
        Entries = entries;
        Metadata = metadata;
        ByName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>Length of the JSON header (N), excluding the 8-byte length prefix.</summary>
    public long HeaderBytes { get; }

    /// <summary>Where the data buffer starts in the file.</summary>
    public long DataStart => 8 + HeaderBytes;

    /// <summary>Entries in header order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    internal IReadOnlyDictionary<string, SafetensorsEntry> ByName { get; }

    /// <summary>Checks the 8-byte prefix against the file length and returns N.</summary>
    internal static long ReadHeaderLength(string path, ReadOnlySpan<byte> prefix, long fileLength)
    {
        if (fileLength < 8)
            throw new SafetensorsFormatException(path, null, "header length",
                $"the file is {fileLength} bytes; a safetensors file starts with an 8-byte little-endian header length");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderBytes)
            throw new SafetensorsFormatException(path, null, "header length",
                $"header length {n} exceeds the {MaxHeaderBytes}-byte limit (not a safetensors file, or a hostile one)");
        if (8 + (long)n > fileLength)
            throw new SafetensorsFormatException(path, null, "header length",
                $"header length {n} runs past the end of the file ({fileLength} bytes): the file is truncated or not safetensors");
        return (long)n;
    }

    /// <summary>Parses and validates the header JSON against a data buffer of <paramref name="bufferBytes"/> bytes.</summary>
    internal static SafetensorsHeader Parse(string path, ReadOnlyMemory<byte> header, long bufferBytes)
    {
        var json = header.Span;
        if (json.Length == 0 || json[0] != (byte)'{')
            throw new SafetensorsFormatException(path, null, "header",
                json.Length == 0 ? "the header is empty; expected a JSON object" : $"the header must start with '{{' but starts with byte 0x{json[0]:X2}");
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new SafetensorsFormatException(path, null, "header", $"the header is not valid UTF-8 (first invalid byte at header offset {FirstInvalidUtf8(json)})");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, null, "header", $"the header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(path, null, "header", $"the header must be a JSON object, not {root.ValueKind}");

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new SafetensorsFormatException(path, property.Name, null, "the name appears twice in the header");
                if (property.Name == MetadataKey)
                    metadata = ParseMetadata(path, property.Value);
                else
                    entries.Add(ParseEntry(path, property.Name, property.Value));
            }

            CheckLayout(path, entries, bufferBytes);
            return new SafetensorsHeader(json.Length, entries, metadata);
        }
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonElement value)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind == JsonValueKind.Null) return metadata;
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, null, MetadataKey, $"must be an object of string values, not {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(path, null, $"{MetadataKey}.{item.Name}", $"metadata values must be strings, not {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafetensorsFormatException(path, null, $"{MetadataKey}.{item.Name}", "the metadata key appears twice");
        }
        return metadata;
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, name, null, $"expected an object with dtype, shape and data_offsets, not {value.ValueKind}");
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in value.EnumerateObject())
            if (!fields.Add(field.Name))
                throw new SafetensorsFormatException(path, name, field.Name, "the field appears twice");

        var dtypeElement = Required(path, name, value, "dtype", JsonValueKind.String);
        var dtype = dtypeElement.GetString()!;
        if (!SafetensorsDType.IsKnown(dtype))
            throw new SafetensorsFormatException(path, name, "dtype", $"unknown dtype \"{dtype}\"");

        var shapeElement = Required(path, name, value, "shape", JsonValueKind.Array);
        var shape = new long[shapeElement.GetArrayLength()];
        for (var i = 0; i < shape.Length; i++)
            shape[i] = NonNegativeInteger(path, name, $"shape[{i}]", shapeElement[i]);

        var offsetsElement = Required(path, name, value, "data_offsets", JsonValueKind.Array);
        if (offsetsElement.GetArrayLength() != 2)
            throw new SafetensorsFormatException(path, name, "data_offsets", $"expected [begin, end], got {offsetsElement.GetArrayLength()} values");
        var begin = NonNegativeInteger(path, name, "data_offsets[0]", offsetsElement[0]);
        var end = NonNegativeInteger(path, name, "data_offsets[1]", offsetsElement[1]);
        if (begin > end)
            throw new SafetensorsFormatException(path, name, "data_offsets", $"begin {begin} is after end {end}");

        var expectedBytes = ByteCount(path, name, dtype, shape);
        if (end - begin != expectedBytes)
            throw new SafetensorsFormatException(path, name, "data_offsets",
                $"span [{begin}, {end}) is {end - begin} bytes but dtype {dtype} with shape [{string.Join(", ", shape)}] needs {expectedBytes}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long ByteCount(string path, string name, string dtype, long[] shape)
    {
        try
        {
            long elements = 1;
            foreach (var dim in shape) elements = checked(elements * dim);
            var bits = checked(elements * SafetensorsDType.Bits(dtype));
            if (bits % 8 != 0)
                throw new SafetensorsFormatException(path, name, "shape", $"{elements} elements of {dtype} do not fill whole bytes");
            return bits / 8;
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(path, name, "shape", $"shape [{string.Join(", ", shape)}] of {dtype} overflows a 64-bit byte count");
        }
    }

    // Tensors sorted by offsets must tile the buffer exactly: no gap, no overlap, nothing after the last.
    private static void CheckLayout(string path, List<SafetensorsEntry> entries, long bufferBytes)
    {
        var byOffset = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long expected = 0;
        SafetensorsEntry? previous = null;
        foreach (var entry in byOffset)
        {
            if (entry.Begin < expected)
                throw new SafetensorsFormatException(path, entry.Name, "data_offsets",
                    $"[{entry.Begin}, {entry.End}) overlaps tensor '{previous!.Name}' at [{previous.Begin}, {previous.End})");
            if (entry.End > bufferBytes)
                throw new SafetensorsFormatException(path, entry.Name, "data_offsets",
                    $"[{entry.Begin}, {entry.End}) runs past the end of the data buffer ({bufferBytes} bytes): the file is truncated");
            if (entry.Begin > expected)
                throw new SafetensorsFormatException(path, entry.Name, "data_offsets",
                    $"[{entry.Begin}, {entry.End}) leaves a gap: the previous tensor ends at {expected}");
            expected = entry.End;
            previous = entry;
        }
        if (expected != bufferBytes)
            throw new SafetensorsFormatException(path, null, "data_offsets",
                $"the tensors cover {expected} bytes but the data buffer holds {bufferBytes}: trailing bytes or a missing tensor");
    }

    private static JsonElement Required(string path, string name, JsonElement entry, string field, JsonValueKind kind)
    {
        if (!entry.TryGetProperty(field, out var value))
            throw new SafetensorsFormatException(path, name, field, "the field is missing");
        if (value.ValueKind != kind)
            throw new SafetensorsFormatException(path, name, field, $"expected a JSON {kind}, got {value.ValueKind}");
        return value;
    }

    private static long NonNegativeInteger(string path, string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
            throw new SafetensorsFormatException(path, name, field, $"expected a non-negative integer, got {value.ValueKind}");
        if (!value.TryGetInt64(out var number))
            throw new SafetensorsFormatException(path, name, field, $"{value.GetRawText()} is not an integer that fits in 64 bits");
        if (number < 0)
            throw new SafetensorsFormatException(path, name, field, $"{number} is negative");
        return number;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
                return offset;
            offset += consumed;
        }
        return -1;
    }
}
