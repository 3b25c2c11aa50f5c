using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;
using Orchestrator.Shared.Cluster;
using Orchestrator.Worker;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>
/// The one serializer of our cluster messages (everything that implements <see cref="IClusterMessage"/>).
/// The manifest is a short name from a fixed table, so a peer can only ever make us build one of these types,
/// never a type named on the wire. A message is its fields as JSON followed by its large arrays (int[], long[],
/// byte[]) as raw little-endian blocks: a shard of a million indices costs a block copy, not a JSON number list.
/// Layout: [int32 JSON length][JSON][int32 block count]([int32 block length][block bytes])*.
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka reserves identifiers below 100 for its own serializers.</summary>
    public const int SerializerId = 7361;

    /// <summary>Every cluster message and its manifest. A new message gets a new entry; an entry is never renamed.</summary>
    public static readonly FrozenDictionary<string, Type> Manifests = new Dictionary<string, Type>
    {
        ["register"] = typeof(RegisterWorker),
        ["prepare"] = typeof(PrepareData),
        ["prepared"] = typeof(DataPrepared),
        ["init"] = typeof(InitializeWorker),
        ["restore"] = typeof(WorkerRestore),
        ["ready"] = typeof(WorkerReady),
        ["abort"] = typeof(AbortGroup),
        ["train"] = typeof(TrainSegment),
        ["progress"] = typeof(TrainProgress),
        ["segment-done"] = typeof(SegmentDone),
        ["evaluate"] = typeof(EvaluateShard),
        ["evaluated"] = typeof(EvaluationDone),
        ["snapshot"] = typeof(SnapshotCheckpoint),
        ["snapshotted"] = typeof(CheckpointSnapshotted),
        ["write-files"] = typeof(WriteCheckpointFiles),
        ["files-written"] = typeof(CheckpointFilesWritten),
        ["load-weights"] = typeof(LoadWeights),
        ["weights-loaded"] = typeof(WeightsLoaded),
        ["failed"] = typeof(WorkerFailed),
        ["stop"] = typeof(StopWorker),
        ["chunk"] = typeof(MessageChunk),
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<Type, string> ManifestOf = Manifests.ToFrozenDictionary(e => e.Value, e => e.Key);

    [ThreadStatic] private static List<byte[]>? blocks;

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new BlockConverter<int>(), new BlockConverter<long>(), new BlockConverter<byte>() },
    };

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        ManifestOf.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType()} has no entry in {nameof(ClusterMessageSerializer)}.{nameof(Manifests)}");

    public override byte[] ToBinary(object obj)
    {
        blocks = [];
        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);
            var size = 4 + json.Length + 4 + blocks.Sum(b => 4 + b.Length);
            var output = new byte[size];
            var span = output.AsSpan();
            BinaryPrimitives.WriteInt32LittleEndian(span, json.Length);
            json.CopyTo(span[4..]);
            var offset = 4 + json.Length;
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], blocks.Count);
            offset += 4;
            foreach (var block in blocks)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[offset..], block.Length);
                block.CopyTo(span[(offset + 4)..]);
                offset += 4 + block.Length;
            }
            return output;
        }
        finally
        {
            blocks = null;
        }
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Manifests.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown cluster message manifest '{manifest}' (a peer of another version, or not one of ours)");
        var span = bytes.AsSpan();
        var jsonLength = BinaryPrimitives.ReadInt32LittleEndian(span);
        var json = span.Slice(4, jsonLength);
        var offset = 4 + jsonLength;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        offset += 4;
        blocks = new List<byte[]>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
                blocks.Add(span.Slice(offset + 4, length).ToArray());
                offset += 4 + length;
            }
            return JsonSerializer.Deserialize(json, type, Json)
                   ?? throw new SerializationException($"an empty '{manifest}' message");
        }
        finally
        {
            blocks = null;
        }
    }

    /// <summary>An array written as the number of its raw block (machine byte order: our nodes are all little-endian).</summary>
    private sealed class BlockConverter<T> : JsonConverter<T[]> where T : unmanaged
    {
        public override T[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var index = reader.GetInt32();
            var current = blocks ?? throw new InvalidOperationException("an array outside a cluster message");
            if (index < 0 || index >= current.Count) throw new SerializationException($"array block {index} is missing");
            return MemoryMarshal.Cast<byte, T>(current[index]).ToArray();
        }

        public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options)
        {
            var current = blocks ?? throw new InvalidOperationException("an array outside a cluster message");
            current.Add(MemoryMarshal.AsBytes(value.AsSpan()).ToArray());
            writer.WriteNumberValue(current.Count - 1);
        }
    }
}
