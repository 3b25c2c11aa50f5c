using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// Test-only TCP forwarder on loopback: listens on 127.0.0.1:<see cref="Port"/> and forwards every connection to
/// 127.0.0.1:<c>targetPort</c>, until <see cref="Cut"/> cuts the connections of chosen clients the way a broken
/// network does: from then on their bytes vanish in both directions, but nothing is closed or reset (a cut cable sends
/// no FIN), so each side learns of the cut only from its own failure detection. A cut client's new connections are
/// accepted and swallowed, never forwarded.
/// </summary>
internal sealed class LoopbackTcpProxy : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int targetPort;
    private readonly List<Link> links = [];
    private readonly CancellationTokenSource stopping = new();
    private Func<IPEndPoint, bool> isCut = _ => false;

    public LoopbackTcpProxy(int targetPort)
    {
        this.targetPort = targetPort;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connections forwarded so far (cut or not).</summary>
    public int Connections
    {
        get
        {
            lock (links) return links.Count;
        }
    }

    /// <summary>
    /// Cuts the connections whose client end (as this proxy sees it) satisfies <paramref name="whose"/>, now and from
    /// now on. Returns how many open connections it cut.
    /// </summary>
    public int Cut(Func<IPEndPoint, bool> whose)
    {
        lock (links)
        {
            var previous = isCut;
            isCut = client => previous(client) || whose(client);
            var cut = 0;
            foreach (var link in links.Where(l => !l.IsCut && whose(l.Client)))
            {
                link.IsCut = true;
                cut++;
            }
            return cut;
        }
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var endpoint = (IPEndPoint)client.Client.RemoteEndPoint!;
        var link = new Link(client, endpoint);
        lock (links)
        {
            links.Add(link);
            link.IsCut = isCut(endpoint);
        }
        if (link.IsCut)
        {
            // Never reaches the target, as a connection attempt over a cut cable would not.
            await DrainAsync(client.GetStream(), link);
            return;
        }
        try
        {
            await link.Target.ConnectAsync(IPAddress.Loopback, targetPort, stopping.Token);
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException)
        {
            link.Dispose();
            return;
        }
        await Task.WhenAll(PumpAsync(client.GetStream(), link.Target.GetStream(), link), PumpAsync(link.Target.GetStream(), client.GetStream(), link));
        // Either side closed on its own: pass that on, unless the link is cut (then the other side must find out by itself).
        if (!link.IsCut) link.Dispose();
    }

    /// <summary>Copies one direction until its source ends; once the link is cut, what it reads is dropped.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, Link link)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await from.ReadAsync(buffer, stopping.Token) is var read and > 0)
                if (!link.IsCut) await to.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
        if (!link.IsCut)
        {
            try
            {
                to.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception error) when (error is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task DrainAsync(NetworkStream from, Link link)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await from.ReadAsync(buffer, stopping.Token) > 0)
            {
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        listener.Stop();
        lock (links)
            foreach (var link in links) link.Dispose();
    }

    private sealed class Link(TcpClient client, IPEndPoint endpoint) : IDisposable
    {
        private volatile bool cut;

        public TcpClient Source { get; } = client;

        public TcpClient Target { get; } = new();

        public IPEndPoint Client { get; } = endpoint;

        public bool IsCut
        {
            get => cut;
            set => cut = value;
        }

        public void Dispose()
        {
            Source.Dispose();
            Target.Dispose();
        }
    }
}
