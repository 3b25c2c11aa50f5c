using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch.Distributed;

/// <summary>Which network device Gloo binds (the address its peers connect to).</summary>
/// <param name="Hostname">An address or name of this host, e.g. "127.0.0.1" or the pod IP.</param>
/// <param name="Interfaces">Comma-separated network interfaces, e.g. "eth0" (wins over <paramref name="Hostname"/>).</param>
/// <param name="Threads">Gloo worker threads (0: Gloo's default of 2).</param>
/// <remarks>With neither set, GLOO_SOCKET_IFNAME is used when set, else this machine's hostname (loopback if it does not resolve).</remarks>
public sealed record GlooOptions(string? Hostname = null, string? Interfaces = null, int Threads = 0)
{
    /// <summary>Loopback only: single-machine runs and tests.</summary>
    public static GlooOptions Loopback { get; } = new(Hostname: "127.0.0.1");
}

/// <summary>
/// CPU collectives over TCP with Gloo. The constructor blocks until all <c>worldSize</c> ranks have
/// constructed theirs over the same store (raises after <c>timeout</c>); the same timeout bounds every
/// collective afterwards.
/// </summary>
public sealed class ProcessGroupGloo(Store store, int rank, int worldSize, TimeSpan timeout, GlooOptions? options = null)
    : ProcessGroup(Create(store, rank, worldSize, timeout, options ?? new GlooOptions()), rank, worldSize, timeout)
{
    public override string Backend => "gloo";

    private static IntPtr Create(Store store, int rank, int worldSize, TimeSpan timeout, GlooOptions options) =>
        NativeMethods.orc_pg_gloo_create(store.Handle, rank, worldSize, Store.ToMilliseconds(timeout),
            options.Hostname, options.Interfaces, options.Threads);
}
