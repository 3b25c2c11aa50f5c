using System.Collections.Concurrent;

namespace Orchestrator.Shared.Actors;

/// <summary>
/// An in-process "network" of actor systems (nodes). Envelopes cross it as type name + JSON text, exactly
/// what a network transport carries, so whatever works here is serialisable. Tests use
/// <see cref="Disconnect"/> to simulate a lost node.
/// </summary>
public sealed class LocalNetwork
{
    private readonly ConcurrentDictionary<string, LocalTransport> _nodes = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Nodes => _nodes.Keys.ToList();

    /// <summary>Cuts a node off: it and every other node each see the other side as lost.</summary>
    public void Disconnect(string node, string reason = "connection lost")
    {
        if (!_nodes.TryRemove(node, out var gone)) return;
        foreach (var other in _nodes.Values)
        {
            other.Listener?.OnNodeLost(node, reason);
            gone.Listener?.OnNodeLost(other.LocalNode, reason);
        }
    }

    internal void Join(LocalTransport transport)
    {
        if (!_nodes.TryAdd(transport.LocalNode, transport))
            throw new InvalidOperationException($"Node name '{transport.LocalNode}' is already on this network.");
    }

    internal void Deliver(WireEnvelope envelope)
    {
        // Unknown node: dropped, as a network would; watchers learn about lost nodes from Disconnect.
        if (_nodes.TryGetValue(envelope.TargetNode, out var target)) target.Listener?.OnInbound(envelope);
    }
}

/// <summary>The in-process <see cref="ITransport"/>; the default of every <see cref="ActorSystem"/>.</summary>
public sealed class LocalTransport : ITransport
{
    private readonly LocalNetwork _network;

    public LocalTransport(LocalNetwork network, string node)
    {
        _network = network;
        LocalNode = node;
    }

    public string LocalNode { get; }

    internal ITransportListener? Listener { get; private set; }

    public void Start(ITransportListener listener)
    {
        Listener = listener;
        _network.Join(this);
    }

    // Synchronous hand-off keeps per-pair order; the receiving system only enqueues, so this never blocks.
    public void Send(WireEnvelope envelope) => _network.Deliver(envelope);

    public ValueTask StopAsync()
    {
        _network.Disconnect(LocalNode, "node left");
        return ValueTask.CompletedTask;
    }
}
