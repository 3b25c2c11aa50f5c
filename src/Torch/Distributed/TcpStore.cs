using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch.Distributed;

/// <summary>
/// c10d's TCPStore. The master (<c>isMaster</c>) runs the server in this process and is also a client;
/// the others connect to <c>host:port</c>, retrying until <c>timeout</c>. With port 0 the master binds a
/// free port: read it from <see cref="Port"/> and hand it to the other ranks.
/// </summary>
public sealed class TcpStore : Store
{
    /// <param name="host">The master's address (for the master itself: where its clients reach it).</param>
    /// <param name="port">The master's port; 0 on the master picks a free one.</param>
    /// <param name="worldSize">Number of ranks that will connect (including the master), or 0 when open.</param>
    /// <param name="isMaster">Run the server here.</param>
    /// <param name="timeout">Connect, get and wait timeout.</param>
    public TcpStore(string host, int port, int worldSize, bool isMaster, TimeSpan timeout)
        : base(Create(host, port, worldSize, isMaster, timeout), timeout)
    {
        Host = host;
        IsMaster = isMaster;
        WorldSize = worldSize;
        Port = NativeMethods.orc_store_port(Handle);
        TorchException.ThrowIfFailed();
    }

    public string Host { get; }
    public int Port { get; }
    public bool IsMaster { get; }
    public int WorldSize { get; }

    private bool waitedForWorkers;

    /// <summary>
    /// On the master: blocks until <see cref="WorldSize"/> ranks (itself included) have connected, raising after
    /// <see cref="Store.Timeout"/>. Call at most once; clients register themselves when they connect.
    /// </summary>
    public void WaitForWorkers()
    {
        if (!IsMaster) throw new InvalidOperationException("only the master store waits for the workers");
        if (waitedForWorkers) throw new InvalidOperationException("WaitForWorkers was already called on this store");
        waitedForWorkers = true;
        NativeMethods.orc_tcpstore_wait_workers(Handle);
        TorchException.ThrowIfFailed();
    }

    private static IntPtr Create(string host, int port, int worldSize, bool isMaster, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (port == 0 && !isMaster) throw new ArgumentException("a client TcpStore needs the master's port, not 0", nameof(port));
        return NativeMethods.orc_tcpstore_create(host, port, worldSize, isMaster ? 1 : 0, ToMilliseconds(timeout));
    }
}
