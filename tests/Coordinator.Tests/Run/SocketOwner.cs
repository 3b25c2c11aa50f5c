using System.Globalization;
using System.Net;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// Which process opened a loopback TCP connection, from the accepting side (Linux only): /proc/net/tcp and tcp6 map
/// the connection's client end to a socket inode, and /proc/&lt;pid&gt;/fd lists the sockets a process holds.
/// </summary>
internal static class SocketOwner
{
    /// <param name="pid">The process that may own the client end.</param>
    /// <param name="client">The client end of the connection (the accepted socket's remote endpoint).</param>
    /// <param name="serverPort">The port the connection was made to, to tell the client end from the server end.</param>
    public static bool IsOwnedBy(int pid, IPEndPoint client, int serverPort)
    {
        var inodes = ClientInodes(client.Port, serverPort);
        if (inodes.Count == 0) return false;
        try
        {
            foreach (var descriptor in new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos())
                if (descriptor.LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && inodes.Contains(target["socket:[".Length..^1]))
                    return true;
        }
        catch (Exception error) when (error is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            // The process is gone (or going): it owns nothing any more.
        }
        return false;
    }

    /// <summary>Inodes of the sockets whose local port is the client's and remote port the server's.</summary>
    private static HashSet<string> ClientInodes(int clientPort, int serverPort)
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && PortOf(fields[1]) == clientPort && PortOf(fields[2]) == serverPort) inodes.Add(fields[9]);
            }
        }
        return inodes;
    }

    private static int PortOf(string hexEndpoint) => int.Parse(hexEndpoint[(hexEndpoint.LastIndexOf(':') + 1)..], NumberStyles.HexNumber);
}
