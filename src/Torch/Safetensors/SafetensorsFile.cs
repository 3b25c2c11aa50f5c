using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Orchestrator.Torch.Safetensors;

/// <summary>
/// An open safetensors file. <see cref="Open"/> reads and validates the header only; tensors are read
/// on demand, each copied exactly once from a read-only memory map of the file into a new tensor.
/// Tensors may be read from several threads at once; dispose only after all reads have finished.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly SafeFileHandle file;
    private readonly SafetensorsHeader header;
    private readonly Lock mapping = new();
    private MemoryMappedFile? map;
    private bool disposed;

    private SafetensorsFile(string path, SafeFileHandle file, long length, SafetensorsHeader header)
    {
        Path = path;
        this.file = file;
        FileLength = length;
        this.header = header;
    }

    public string Path { get; }

    public long FileLength { get; }

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries => header.Entries;

    public IReadOnlyDictionary<string, string> Metadata => header.Metadata;

    public IEnumerable<string> Names => header.Entries.Select(e => e.Name);

    public bool Contains(string name) => header.ByName.ContainsKey(name);

    public SafetensorsEntry Entry(string name) =>
        header.ByName.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException($"{Path}: no tensor named '{name}' (the file holds {header.Entries.Count})");

    /// <summary>Opens <paramref name="path"/> and validates its header; throws <see cref="SafetensorsFormatException"/> if it is malformed.</summary>
    public static SafetensorsFile Open(string path)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var length = RandomAccess.GetLength(file);
            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(path, file, prefix[..(int)Math.Min(8, length)], 0);
            var headerBytes = SafetensorsHeader.ReadHeaderLength(path, prefix, length);
            // Safe to allocate now: N is capped and the file really holds N more bytes.
            var json = new byte[headerBytes];
            ReadExactly(path, file, json, 8);
            var header = SafetensorsHeader.Parse(path, json, length - 8 - headerBytes);
            return new SafetensorsFile(path, file, length, header);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor (a new tensor owned by the current dispose scope, if any).</summary>
    public unsafe torch.Tensor ReadTensor(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var entry = Entry(name);
        var type = entry.ScalarType
            ?? throw new SafetensorsFormatException(Path, name, "dtype",
                $"dtype {entry.DType} is valid safetensors but not supported here (supported: {string.Join(", ", SafetensorsDType.Supported)})");
        // Touching a mapped page past a shrunk file's end raises SIGBUS; refuse while we still can.
        var now = RandomAccess.GetLength(file);
        if (now != FileLength)
            throw new SafetensorsFormatException(Path, name, null, $"the file changed size since it was opened ({FileLength} -> {now} bytes)");

        var shape = (long[])entry.Shape.Clone();
        if (entry.ByteCount == 0) return torch.from_bytes(null, 0, type, shape);

        // A view per tensor, unmapped right after the copy: the mapped pages leave this process's RSS
        // instead of doubling it while a whole checkpoint is read.
        using var view = Map().CreateViewAccessor(header.DataStart + entry.Begin, entry.ByteCount, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var data = pointer + view.PointerOffset;
            if (type == ScalarType.Bool) CheckBooleans(entry, data);
            return torch.from_bytes(data, entry.ByteCount, type, shape);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    /// <summary>Reads every tensor. On failure the tensors already read are disposed.</summary>
    public Dictionary<string, torch.Tensor> ReadAll()
    {
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in header.Entries) result.Add(entry.Name, ReadTensor(entry.Name));
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
    }

    // A bool byte other than 0 or 1 is undefined behaviour in libtorch: reject it instead.
    private unsafe void CheckBooleans(SafetensorsEntry entry, byte* data)
    {
        for (long start = 0; start < entry.ByteCount; start += int.MaxValue)
        {
            var chunk = new ReadOnlySpan<byte>(data + start, (int)Math.Min(int.MaxValue, entry.ByteCount - start));
            var bad = chunk.IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
                throw new SafetensorsFormatException(Path, entry.Name, "data",
                    $"BOOL element {start + bad} holds byte 0x{chunk[bad]:X2}; only 0 and 1 are valid");
        }
    }

    private MemoryMappedFile Map()
    {
        lock (mapping)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return map ??= MemoryMappedFile.CreateFromFile(file, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
                HandleInheritability.None, leaveOpen: true);
        }
    }

    private static void ReadExactly(string path, SafeFileHandle file, Span<byte> buffer, long offset)
    {
        while (buffer.Length > 0)
        {
            var read = RandomAccess.Read(file, buffer, offset);
            if (read == 0) throw new SafetensorsFormatException(path, null, "header", "the file ended while reading its header (it shrank while being opened)");
            buffer = buffer[read..];
            offset += read;
        }
    }

    public void Dispose()
    {
        lock (mapping)
        {
            if (disposed) return;
            disposed = true;
            map?.Dispose();
            file.Dispose();
        }
    }
}
