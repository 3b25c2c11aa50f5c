using Akka.Actor;
using Akka.Serialization;

namespace Orchestrator.Shared.Cluster;

/// <summary>One piece of a message too large for one Akka.Remote frame; <see cref="MessageChunks"/> splits and joins them.</summary>
public sealed record MessageChunk(Guid TransferId, int Index, int Count, int SerializerId, string Manifest, byte[] Data) : IClusterMessage;

/// <summary>
/// Akka.Remote drops a message larger than <c>maximum-frame-size</c> with only a log line (the sender's ask just
/// times out). A message bound for another node whose serialized form is larger than <see cref="ChunkBytes"/> is
/// therefore sent as numbered <see cref="MessageChunk"/>s (Akka.Remote keeps their order between two actors),
/// and the receiver's <see cref="Assembler"/> turns them back into the message. Local recipients get the object itself.
/// </summary>
public static class MessageChunks
{
    /// <summary>Well below the frame size we configure (see ClusterHosting), so a chunk and its envelope always fit.</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>Tells <paramref name="message"/> to <paramref name="target"/>, in chunks when it is remote and large.</summary>
    public static void Tell(ActorSystem system, IActorRef target, object message, IActorRef sender, int chunkBytes = ChunkBytes)
    {
        if (target.Path.Address.HasLocalScope || message is not IClusterMessage)
        {
            target.Tell(message, sender);
            return;
        }
        if (Split(system, message, chunkBytes) is not { } chunks)
        {
            target.Tell(message, sender);
            return;
        }
        foreach (var chunk in chunks) target.Tell(chunk, sender);
    }

    /// <summary>The chunks of <paramref name="message"/>, or null when it fits in one.</summary>
    public static IReadOnlyList<MessageChunk>? Split(ActorSystem system, object message, int chunkBytes = ChunkBytes)
    {
        var serializer = system.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        if (bytes.Length <= chunkBytes) return null;
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var count = (bytes.Length + chunkBytes - 1) / chunkBytes;
        var id = Guid.NewGuid();
        var chunks = new MessageChunk[count];
        for (var i = 0; i < count; i++)
        {
            var offset = i * chunkBytes;
            chunks[i] = new MessageChunk(id, i, count, serializer.Identifier, manifest, bytes.AsSpan(offset, Math.Min(chunkBytes, bytes.Length - offset)).ToArray());
        }
        return chunks;
    }

    /// <summary>Collects chunks per transfer and gives back the whole message once its last chunk is in.</summary>
    public sealed class Assembler(ActorSystem system)
    {
        private readonly Dictionary<Guid, MessageChunk[]> transfers = [];

        /// <summary>The reassembled message when <paramref name="chunk"/> completes its transfer; otherwise null.</summary>
        public object? Add(MessageChunk chunk)
        {
            if (!transfers.TryGetValue(chunk.TransferId, out var parts))
                transfers[chunk.TransferId] = parts = new MessageChunk[chunk.Count];
            parts[chunk.Index] = chunk;
            if (parts.Any(p => p is null)) return null;
            transfers.Remove(chunk.TransferId);
            var bytes = new byte[parts.Sum(p => p.Data.Length)];
            var offset = 0;
            foreach (var part in parts)
            {
                part.Data.CopyTo(bytes, offset);
                offset += part.Data.Length;
            }
            return system.Serialization.Deserialize(bytes, chunk.SerializerId, chunk.Manifest);
        }

        /// <summary>Transfers still missing chunks (a sender that died mid-transfer leaves one behind).</summary>
        public int Pending => transfers.Count;

        public void Clear() => transfers.Clear();
    }
}
