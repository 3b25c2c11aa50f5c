using System.Text;

namespace Orchestrator.Shared.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content, even after a
/// crash: write to a unique temporary name in the same folder, fsync it, rename over the target, fsync
/// the folder.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    public static void WriteAllText(string path, string text)
    {
        var bytes = Utf8NoBom.GetBytes(text);
        Write(path, stream => stream.Write(bytes));
    }

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Streams content into the temporary file, then commits it.</summary>
    public static void Write(string path, Action<Stream> writeContent)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"No folder in path '{path}'.", nameof(path));
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".tmp-{Path.GetFileName(full)}-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        DurableIO.SyncDirectory(folder);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
