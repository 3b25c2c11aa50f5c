using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Torch.Distributed;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Tests.Models;
using Orchestrator.Worker.Training;
using Serilog.Core;

namespace Orchestrator.Worker.Tests.Training;

/// <summary>
/// Two ranks on one machine sum through shared memory; with it switched off (ORCHESTRATOR_SHM_DISABLE) they sum
/// through Gloo, in buckets during backward. Either way a+b is the same float: the replicas must end on the
/// same bytes.
/// </summary>
public class GradientSumTransportTests
{
    private sealed record Outcome(bool SharedMemory, Dictionary<string, byte[]> Weights, double[] Losses);

    [Fact]
    public void SharedMemoryAndGlooTrainTwoRanksToTheSameBytes()
    {
        using var folder = new TempFolder();
        var config = Tiny.Config("bert", labels: 3);
        using (var model = PretrainedModels.CreateRandom(config, ModelTask.TokenClassification, seed: 5))
            PretrainedModels.Save(model, folder.Path);

        var shared = TrainTwoRanks(folder.Path, config.Labels!, sharedMemory: true);
        var gloo = TrainTwoRanks(folder.Path, config.Labels!, sharedMemory: false);

        Assert.All(shared, rank => Assert.True(rank.SharedMemory));
        Assert.All(gloo, rank => Assert.False(rank.SharedMemory));
        for (var rank = 0; rank < 2; rank++)
        {
            Assert.Equal(gloo[rank].Losses, shared[rank].Losses);
            foreach (var (name, bytes) in gloo[rank].Weights)
                Assert.True(bytes.AsSpan().SequenceEqual(shared[rank].Weights[name]), $"rank {rank}: {name} differs");
        }
        Assert.Equal(shared[0].Weights.Keys, shared[1].Weights.Keys);
        foreach (var (name, bytes) in shared[0].Weights) Assert.True(bytes.AsSpan().SequenceEqual(shared[1].Weights[name]), $"{name}: the ranks differ");
    }

    private static Outcome[] TrainTwoRanks(string modelFolder, IReadOnlyList<string> labels, bool sharedMemory)
    {
        var timeout = TimeSpan.FromSeconds(30);
        using var master = new TcpStore("127.0.0.1", 0, 2, isMaster: true, timeout);
        using var client = new TcpStore("127.0.0.1", master.Port, 2, isMaster: false, timeout);
        var stores = new Store[] { master, client };
        var ranks = Enumerable.Range(0, 2).Select(rank => Task.Factory.StartNew(() =>
        {
            using var collectives = new Collectives(new ProcessGroupGloo(stores[rank], rank, 2, timeout, GlooOptions.Loopback), sharedMemory);
            var plan = TrainingPlan.Create(trainExamples: 24, worldSize: 2, perDeviceBatchSize: 4, gradientAccumulationSteps: 1, numTrainEpochs: 1);
            var settings = new ReplicaSettings(modelFolder, ModelTask.TokenClassification, labels, false, PeakLearningRate: 1e-2,
                WeightDecay: 0.01, 0.9, 0.999, 1e-8, MaxGradNorm: 1.0, plan, Seed: 42, BucketCapMb: 1);
            using var replica = new ModelReplica(settings, collectives, Logger.None);
            var collator = new Collator(0, LabelKind.PerToken);
            var losses = new double[3];
            for (var step = 0; step < 3; step++)
            {
                // Each rank its own examples, of its own lengths (as a DistributedSampler shard).
                var examples = Enumerable.Range(0, 4).Select(i =>
                {
                    var length = 4 + (i + step + 2 * rank) % 5;
                    var ids = Enumerable.Range(0, length).Select(t => 5 + (t * 7 + i + 3 * rank + step) % 20).ToArray();
                    var tags = ids.Select((_, t) => t == 0 ? -100 : (t + i + rank) % 3).ToArray();
                    return new EncodedExample(ids, new int[length], tags, ids.Select((_, t) => (int?)t).ToArray(), i);
                }).ToList();
                losses[step] = replica.TrainStep([collator.Collate(examples)]).Loss;
            }
            var weights = replica.Model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.bytes());
            return new Outcome(collectives.SumsInSharedMemory, weights, losses);
        }, TaskCreationOptions.LongRunning)).ToArray();
        Assert.True(Task.WaitAll(ranks, TimeSpan.FromSeconds(120)), "a rank did not finish within 120 s");
        return ranks.Select(r => r.Result).ToArray();
    }
}
