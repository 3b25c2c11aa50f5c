using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Worker;

/// <summary>
/// Host names resolved once per worker process. The coordinator, and so the store each group generation meets in,
/// keeps its address for this process's life (a restarted coordinator ends its workers), while a lookup can stall
/// for seconds: podman's DNS drops replies while containers start or stop (measured: 6 s with the pods' resolver
/// options, 10 s without), and a survivor re-forming a group after a lost worker would wait that out each time.
/// </summary>
public static class ResolvedHosts
{
    private static readonly ConcurrentDictionary<string, string> Addresses = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The address of <paramref name="host"/> (IPv4 first), looked up on first use; the name itself when it cannot be resolved.</summary>
    public static string AddressOf(string host)
    {
        if (IPAddress.TryParse(host, out _)) return host;
        if (Addresses.TryGetValue(host, out var known)) return known;
        try
        {
            var address = Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily != AddressFamily.InterNetwork).FirstOrDefault();
            return address is null ? host : Addresses.GetOrAdd(host, address.ToString());
        }
        catch (SocketException)
        {
            return host;   // c10d's own lookup reports it, with its retries and timeout
        }
    }
}
