using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Shared.Actors;

/// <summary>
/// Turns messages into <see cref="WireEnvelope"/>s and back with System.Text.Json. Only registered types
/// cross nodes: an inbound type name is looked up in the registry, never loaded by name, so a peer cannot
/// make us instantiate arbitrary types. <see cref="IActorRef"/> properties travel as {node, path}.
/// </summary>
public sealed class MessageSerializer
{
    private readonly ConcurrentDictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _byType = new();
    private readonly JsonSerializerOptions _options;

    internal MessageSerializer(Func<string, string, IActorRef> resolve)
    {
        _options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _options.Converters.Add(new ActorRefConverter(resolve));
        Register<Terminated>("orc.Terminated");
        Register<PoisonPill>("orc.PoisonPill");
        Register<ReplyFailure>("orc.ReplyFailure");
        Register<DeathWatchNotification>("orc.DeathWatchNotification");
        Register<WatchRemote>("orc.WatchRemote");
        Register<UnwatchRemote>("orc.UnwatchRemote");
    }

    /// <summary>Allows <typeparamref name="T"/> on the wire under <paramref name="wireName"/> (default: its full name).</summary>
    public void Register<T>(string? wireName = null)
    {
        var name = wireName ?? typeof(T).FullName ?? typeof(T).Name;
        if (_byName.TryGetValue(name, out var existing) && existing != typeof(T))
            throw new InvalidOperationException($"Wire name '{name}' is already used by {existing.FullName}.");
        _byName[name] = typeof(T);
        _byType[typeof(T)] = name;
    }

    public bool IsRegistered(Type type) => _byType.ContainsKey(type);

    public WireEnvelope ToWire(string targetNode, string targetPath, IActorRef? sender, object message)
    {
        if (!_byType.TryGetValue(message.GetType(), out var name))
            throw new NotSupportedException(
                $"Message type {message.GetType().FullName} is not registered for remoting (ActorSystem.Serializer.Register<T>()); cannot send it to {targetNode}:{targetPath}.");
        var payload = JsonSerializer.Serialize(message, message.GetType(), _options);
        return new WireEnvelope(targetNode, targetPath, sender?.Node, sender?.Path, name, payload);
    }

    public object FromWire(WireEnvelope envelope)
    {
        if (!_byName.TryGetValue(envelope.MessageType, out var type))
            throw new NotSupportedException($"Unknown message type '{envelope.MessageType}' (not registered on this node).");
        return JsonSerializer.Deserialize(envelope.Payload, type, _options)
               ?? throw new InvalidDataException($"Message of type '{envelope.MessageType}' has a null payload.");
    }

    private sealed class ActorRefConverter(Func<string, string, IActorRef> resolve) : JsonConverter<IActorRef>
    {
        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var address = JsonSerializer.Deserialize<Address>(ref reader, options)
                          ?? throw new JsonException("An actor ref must be an object {node, path}.");
            if (string.IsNullOrEmpty(address.Node) || string.IsNullOrEmpty(address.Path))
                throw new JsonException("An actor ref needs both 'node' and 'path'.");
            return resolve(address.Node, address.Path);
        }

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new Address(value.Node, value.Path), options);

        private sealed record Address(string Node, string Path);
    }
}
