using System.Runtime.InteropServices;

namespace Orchestrator.Shared.IO;

/// <summary>
/// fsync for files and directories. A rename is only durable once the directory holding it is synced:
/// .NET has no API for that, so on Unix we open the directory with open(2) O_RDONLY and call fsync(2)
/// through a tiny libc P/Invoke. On Windows directories cannot be synced this way and NTFS journals
/// renames, so the directory sync is a no-op there.
/// </summary>
public static partial class DurableIO
{
    private const int O_RDONLY = 0;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Flushes a directory's entries (creations, renames, deletions) to the device.</summary>
    public static void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(path, O_RDONLY);
        if (fd < 0)
            throw new IOException($"open({path}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            Close(fd);
        }
    }
}
