using System.Buffers.Binary;
using System.Text;

namespace Orchestrator.Torch.Tests.Safetensors;

/// <summary>A temporary folder deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orc-st-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Builds safetensors bytes by hand, so tests can write files our writer never would.</summary>
internal static class RawSafetensors
{
    public static byte[] Build(string headerJson, byte[]? buffer = null, ulong? declaredHeaderLength = null) =>
        Build(Encoding.UTF8.GetBytes(headerJson), buffer, declaredHeaderLength);

    public static byte[] Build(byte[] header, byte[]? buffer = null, ulong? declaredHeaderLength = null)
    {
        buffer ??= [];
        var file = new byte[8 + header.Length + buffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        buffer.CopyTo(file, 8 + header.Length);
        return file;
    }
}
