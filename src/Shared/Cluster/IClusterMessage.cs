namespace Orchestrator.Shared.Cluster;

/// <summary>
/// Marks a message that may cross the network between the coordinator and its workers. Akka.Remote serializes
/// every such message with our own serializer (fixed manifest table, raw copies of large arrays), never with
/// Akka's default JSON serializer or a type name read from the wire.
/// </summary>
public interface IClusterMessage;
