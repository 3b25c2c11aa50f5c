using System.Reflection;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Serialization;
using Orchestrator.Coordinator.Cluster;
using Orchestrator.Shared.Cluster;
using Orchestrator.Worker;
using Orchestrator.Worker.Training;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Orchestrator.Coordinator.Tests.Cluster;

/// <summary>The serializer of every message that crosses the network: fixed manifests, raw array blocks.</summary>
public sealed class ClusterMessageSerializerTests() : Akka.TestKit.Xunit2.TestKit(ClusterTestSetup.WithOurSerializer())
{
    private ClusterMessageSerializer Serializer => new((ExtendedActorSystem)Sys);

    private object RoundTrip(object message)
    {
        var bytes = Serializer.ToBinary(message);
        return Serializer.FromBinary(bytes, Serializer.Manifest(message));
    }

    [Fact]
    public void Every_cluster_message_type_has_a_manifest_and_no_two_share_one()
    {
        var messageTypes = new[] { typeof(WorkerActor).Assembly, typeof(IClusterMessage).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IClusterMessage).IsAssignableFrom(t))
            .ToHashSet();
        Assert.Equal(messageTypes.OrderBy(t => t.Name), ClusterMessageSerializer.Manifests.Values.OrderBy(t => t.Name));
        Assert.Equal(ClusterMessageSerializer.Manifests.Count, ClusterMessageSerializer.Manifests.Values.Distinct().Count());
    }

    [Fact]
    public void Messages_with_arrays_nulls_and_nested_records_come_back_equal()
    {
        var shard = Enumerable.Range(0, 1000).Select(i => i * 7).ToArray();
        var train = (TrainSegment)RoundTrip(new TrainSegment(2, 5, 9, shard, 10));
        Assert.Equal((2, 5, 9, 10), (train.Epoch, train.FirstStep, train.EndStep, train.ProgressEvery));
        Assert.Equal(shard, train.Shard);

        var gathered = new GatheredPredictions(2, 3, 4, Enumerable.Range(0, 24).Select(i => (long)i - 100).ToArray(),
            Enumerable.Range(0, 24).Select(i => (long)i).ToArray(), [5, 1, 2, 3, 0, 4]);
        var evaluated = (EvaluationDone)RoundTrip(new EvaluationDone(0, gathered, 0.25, 0.01));
        Assert.Equal(gathered.Predictions, evaluated.Gathered.Predictions);
        Assert.Equal(gathered.Labels, evaluated.Gathered.Labels);
        Assert.Equal(gathered.ExampleIndices, evaluated.Gathered.ExampleIndices);
        Assert.Equal((2, 3, 4, 0.25), (evaluated.Gathered.WorldSize, evaluated.Gathered.RowsPerRank, evaluated.Gathered.RowLength, evaluated.Loss));

        var rng = new byte[] { 1, 2, 3, 255 };
        var init = (InitializeWorker)RoundTrip(new InitializeWorker(1, 2, 3, "store", 29500, TimeSpan.FromSeconds(90),
            new WorkerRestore("/runs/x/checkpoints/epoch-0001", 40, rng), 4));
        Assert.Equal(rng, init.Restore!.RngState);
        Assert.Equal(init with { Restore = null }, new InitializeWorker(1, 2, 3, "store", 29500, TimeSpan.FromSeconds(90), null, 4));
        var noRestore = (InitializeWorker)RoundTrip(new InitializeWorker(0, 1, 0, "h", 1, TimeSpan.FromSeconds(1), null, 1));
        Assert.Null(noRestore.Restore);
        Assert.Equal(new WriteCheckpointFiles(null, "/d", "/t", false), RoundTrip(new WriteCheckpointFiles(null, "/d", "/t", false)));
    }

    [Fact]
    public void A_large_shard_is_a_raw_block_copy_not_a_list_of_numbers()
    {
        var shard = Enumerable.Range(0, 1_000_000).ToArray();
        var bytes = Serializer.ToBinary(new TrainSegment(0, 0, 1, shard, 1));
        // 4 bytes per index plus a small JSON head (as text the indices alone would be ~6.9 MB).
        Assert.InRange(bytes.Length, 4_000_000, 4_000_200);
        Assert.Equal(shard, ((TrainSegment)Serializer.FromBinary(bytes, "train")).Shard);
    }

    [Fact]
    public void A_manifest_outside_the_table_is_refused_and_never_resolved_as_a_type_name()
    {
        var bytes = Serializer.ToBinary(new StopWorker("done"));
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, typeof(FileInfo).AssemblyQualifiedName!));
        Assert.Contains("unknown cluster message manifest", error.Message);
        Assert.Throws<SerializationException>(() => Serializer.Manifest("not one of ours"));
    }

    [Fact]
    public void The_actor_system_picks_our_serializer_for_cluster_messages()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new StopWorker("done"));
        Assert.IsType<ClusterMessageSerializer>(serializer);
        Assert.Equal(ClusterMessageSerializer.SerializerId, serializer.Identifier);
    }
}

/// <summary>Actor systems for tests, bound to our serializer exactly as ClusterHosting binds it.</summary>
internal static class ClusterTestSetup
{
    public static ActorSystemSetup WithOurSerializer() =>
        ActorSystemSetup.Create(BootstrapSetup.Create(), SerializationSetup.Create(system =>
            ImmutableSerializers(system)));

    private static System.Collections.Immutable.ImmutableHashSet<SerializerDetails> ImmutableSerializers(ExtendedActorSystem system) =>
        [SerializerDetails.Create("orchestrator", new ClusterMessageSerializer(system), [typeof(IClusterMessage)])];
}
