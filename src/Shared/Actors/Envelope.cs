namespace Orchestrator.Shared.Actors;

/// <summary>A message in a local mailbox: the object itself (never serialised) and its sender.</summary>
internal readonly record struct Envelope(object Message, IActorRef? Sender);

/// <summary>
/// A message on the wire between nodes: target and sender by node and path, the message as a registered
/// type name plus its System.Text.Json payload (see <see cref="MessageSerializer"/>). Itself a plain record,
/// so a network transport can send it as JSON as is.
/// </summary>
public sealed record WireEnvelope(
    string TargetNode,
    string TargetPath,
    string? SenderNode,
    string? SenderPath,
    string MessageType,
    string Payload);
