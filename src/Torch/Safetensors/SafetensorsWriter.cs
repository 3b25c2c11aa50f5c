using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orchestrator.Torch.Safetensors;

/// <summary>
/// Writes tensors in the safetensors format, atomically (temporary file, fsync, rename). Layout follows the
/// reference writer: tensors sorted by dtype (widest first) then name, header padded with spaces to a multiple
/// of 8 bytes, so every tensor's data is aligned to its element size. Tensors are streamed one at a time.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>The metadata written when none is given, as transformers' save_pretrained does.</summary>
    public static IReadOnlyDictionary<string, string> DefaultMetadata { get; } = new Dictionary<string, string> { ["format"] = "pt" };

    // Bytes copied out of libtorch and written per write call: big tensors are streamed in pieces of this size.
    private const long MaxChunk = 1L << 30;

    public static void Write(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.ContainsKey(SafetensorsHeader.MetadataKey))
            throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved and cannot name a tensor", nameof(tensors));
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is not");

        var layout = Layout(tensors);
        var header = HeaderJson(layout, metadata ?? DefaultMetadata);
        DurableFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var (_, tensor, entry) in layout) WriteData(stream, tensor, entry.ByteCount);
        });
    }

    private static List<(string Name, torch.Tensor Tensor, SafetensorsEntry Entry)> Layout(IReadOnlyDictionary<string, torch.Tensor> tensors)
    {
        var described = tensors.Select(pair =>
        {
            ArgumentNullException.ThrowIfNull(pair.Value, pair.Key);
            var dtype = SafetensorsDType.FromScalarType(pair.Value.dtype);
            return (Name: pair.Key, Tensor: pair.Value, DType: dtype, Shape: pair.Value.shape);
        })
        .OrderByDescending(t => SafetensorsDType.Rank(t.DType))
        .ThenBy(t => t.Name, Utf8Ordinal.Instance)
        .ToList();

        var result = new List<(string, torch.Tensor, SafetensorsEntry)>(described.Count);
        long offset = 0;
        foreach (var t in described)
        {
            var bytes = t.Tensor.ByteCount;
            var entry = new SafetensorsEntry(t.Name, t.DType, t.Shape, offset, checked(offset + bytes));
            result.Add((t.Name, t.Tensor, entry));
            offset = entry.End;
        }
        return result;
    }

    private static byte[] HeaderJson(List<(string Name, torch.Tensor Tensor, SafetensorsEntry Entry)> layout, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new MemoryStream();
        // Keep non-ASCII names as UTF-8 like the reference writer; the output is a file, not HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var (name, _, entry) in layout)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", entry.DType);
                json.WriteStartArray("shape");
                foreach (var dim in entry.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        if (buffer.Length > SafetensorsHeader.MaxHeaderBytes)
            throw new InvalidOperationException($"the header would be {buffer.Length} bytes, over the {SafetensorsHeader.MaxHeaderBytes}-byte limit readers enforce");
        return buffer.ToArray();
    }

    // One native staging buffer the size of one tensor (libtorch copies whole tensors out), freed before
    // the next: never a buffer for the whole file, and off the managed heap.
    private static unsafe void WriteData(FileStream stream, torch.Tensor tensor, long byteCount)
    {
        if (byteCount == 0) return;
        var buffer = (byte*)NativeMemory.Alloc((nuint)byteCount);
        try
        {
            tensor.CopyBytesTo(buffer, byteCount);
            for (long start = 0; start < byteCount; start += MaxChunk)
                stream.Write(new ReadOnlySpan<byte>(buffer + start, (int)Math.Min(MaxChunk, byteCount - start)));
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    /// <summary>Orders names by their UTF-8 bytes, as the reference (Rust) writer does.</summary>
    private sealed class Utf8Ordinal : IComparer<string>
    {
        public static readonly Utf8Ordinal Instance = new();

        public int Compare(string? x, string? y) =>
            Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
    }
}
