namespace Orchestrator.Shared.Actors;

/// <summary>
/// Moves <see cref="WireEnvelope"/>s between nodes. The in-process <see cref="LocalTransport"/> is the
/// reference implementation; a network transport (Kestrel, HTTP/2 or WebSocket, with heartbeats and a
/// join token) implements the same contract:
/// <list type="bullet">
/// <item>Send never blocks on the network and keeps the order of envelopes from one node to another;</item>
/// <item>envelopes for an unknown or unreachable node are dropped (and logged), not thrown;</item>
/// <item>when a node is lost (connection dropped, heartbeats missed, or it left) the listener gets
/// <see cref="ITransportListener.OnNodeLost"/> exactly once, which turns into Terminated for watchers.</item>
/// </list>
/// </summary>
public interface ITransport
{
    string LocalNode { get; }

    /// <summary>Begins delivering inbound envelopes and node-lost notices to <paramref name="listener"/>.</summary>
    void Start(ITransportListener listener);

    void Send(WireEnvelope envelope);

    /// <summary>Leaves the network: the other nodes see this node as lost.</summary>
    ValueTask StopAsync();
}

/// <summary>The actor system's side of a transport.</summary>
public interface ITransportListener
{
    void OnInbound(WireEnvelope envelope);

    void OnNodeLost(string node, string reason);
}
