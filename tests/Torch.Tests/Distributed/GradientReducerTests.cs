using Orchestrator.Torch.Distributed;
using static Orchestrator.Torch.torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Torch.Tests.Distributed;

public class GradientReducerTests
{
    // "unused" is registered first, so it lands in the last bucket (buckets go in reverse registration order) and the
    // others can start during backward; it never gets a gradient, so only Finish can start its bucket.
    private sealed class Net : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Linear unused = new(8, 8);
        private readonly nn.ModuleList<nn.Linear> layers = new(new nn.Linear(16, 32), new nn.Linear(32, 32), new nn.Linear(32, 32), new nn.Linear(32, 3));

        public Net()
        {
            register_module("unused", unused);
            register_module("layers", layers);
        }

        public override Tensor forward(Tensor x)
        {
            foreach (var layer in layers.Take(layers.Count - 1)) x = F.gelu(layer.call(x));
            return layers[^1].call(x);
        }
    }

    private sealed record Outcome(float[] Expected, float[] Reduced, int Buckets, int StartedDuringBackward);

    private static Outcome Compare(ProcessGroup group, int microBatches, long bucketBytes)
    {
        using var net = new Net();
        using var flat = new optim.FlatParameters(net.named_parameters());
        using var generator = new Generator(100 + (ulong)group.Rank);
        var batches = Enumerable.Range(0, microBatches).Select(_ => (randn([5, 16], generator), randint(0, 3, [5], generator))).ToList();
        void Backward(int i) => F.cross_entropy(net.call(batches[i].Item1), batches[i].Item2).backward();

        // Reference: all gradients of all micro-batches, then one allreduce of the whole flat gradient.
        for (var i = 0; i < microBatches; i++) Backward(i);
        using var expected = flat.Grad.clone();
        group.AllReduce(expected);
        flat.zero_grad();

        using var reducer = new GradientReducer(group, net.parameters().ToList(), bucketBytes, bucketBytes);
        for (var i = 0; i < microBatches; i++)
        {
            if (i == microBatches - 1) reducer.Arm();
            Backward(i);
        }
        reducer.Finish();
        return new Outcome(expected.data<float>(), flat.Grad.data<float>(), reducer.BucketCount, reducer.StartedDuringBackward);
    }

    [Fact]
    public void BucketsStartDuringBackwardAndSumToWhatOneAllReduceGives()
    {
        // One parameter per bucket: every gradient is its own collective.
        var results = TwoRanks.Run(group => Compare(group, microBatches: 1, bucketBytes: 1));
        foreach (var r in results)
        {
            Assert.Equal(10, r.Buckets);
            Assert.Equal(8, r.StartedDuringBackward);  // all but the unused layer's weight and bias
            Assert.Equal(r.Expected, r.Reduced);        // two ranks: a + b either way, to the bit
        }
        Assert.Equal(results[0].Reduced, results[1].Reduced);
    }

    [Fact]
    public void WithGradientAccumulationOnlyTheLastMicroBatchReduces()
    {
        var results = TwoRanks.Run(group => Compare(group, microBatches: 3, bucketBytes: 600));
        foreach (var r in results)
        {
            Assert.InRange(r.Buckets, 2, 9);
            Assert.True(r.StartedDuringBackward >= 1);
            Assert.Equal(r.Expected, r.Reduced);
        }
    }

    [Fact]
    public void ArmingTwiceOrFinishingUnarmedIsRefused()
    {
        TwoRanks.Run(group =>
        {
            using var net = new Net();
            using var flat = new optim.FlatParameters(net.named_parameters());
            using var reducer = new GradientReducer(group, net.parameters().ToList());
            Assert.Throws<InvalidOperationException>(reducer.Finish);
            reducer.Arm();
            Assert.Throws<InvalidOperationException>(reducer.Arm);
            reducer.Finish();
            return 0;
        });
    }

    [Fact]
    public void ParametersWithoutGradientTensorsAreRefused()
    {
        TwoRanks.Run(group =>
        {
            using var net = new Net();
            var error = Assert.Throws<ArgumentException>(() => new GradientReducer(group, net.parameters().ToList()));
            Assert.Contains("no gradient tensor", error.Message);
            // Without a collective, one rank could close its connections while the other is still finishing its
            // half of Gloo's connection handshake.
            group.Barrier();
            return 0;
        });
    }
}
