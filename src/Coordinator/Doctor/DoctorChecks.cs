using Orchestrator.Torch;
using Orchestrator.Torch.Distributed;

namespace Orchestrator.Coordinator.Doctor;

/// <summary>
/// The self-test checks `orchestrator doctor` runs. Each exercises the real binding end to end;
/// forward/backward and optimiser checks join this list as the tensor engine provides them.
/// </summary>
public static class DoctorChecks
{
    private static readonly TimeSpan CollectiveTimeout = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<DoctorCheck> Default() =>
    [
        new("tensor round trip", TensorRoundTrip),
        new("forward, backward and AdamW step", ForwardBackwardAdamW),
        new("gloo allreduce (2 ranks, loopback)", GlooAllReduceOnLoopback),
    ];

    /// <summary>
    /// A linear model's mean squared error: autograd's gradient must equal the closed form
    /// 2/n * X^T (Xw - y), and AdamW steps on flat buffers must lower the loss.
    /// </summary>
    public static CheckResult ForwardBackwardAdamW()
    {
        using (torch.NewDisposeScope())
        {
            using var model = new torch.nn.Linear(3, 1, hasBias: false);
            var x = torch.tensor(new float[] { 1, 2, 3, -1, 0.5f, 2, 0, -2, 1, 3, 1, -1 }, [4, 3]);
            var y = torch.tensor(new float[] { 1, -2, 0.5f, 3 }, [4, 1]);
            var weights = model.weight.data<float>();
            var loss = torch.nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            var grad = model.weight.grad!.data<float>();
            var xs = x.data<float>();
            var ys = y.data<float>();
            for (var j = 0; j < 3; j++)
            {
                double expected = 0;
                for (var i = 0; i < 4; i++)
                {
                    double residual = -ys[i];
                    for (var k = 0; k < 3; k++) residual += xs[i * 3 + k] * weights[k];
                    expected += 2.0 / 4 * xs[i * 3 + j] * residual;
                }
                if (Math.Abs(expected - grad[j]) > 1e-4 * Math.Max(1, Math.Abs(expected)))
                    return CheckResult.Fail($"gradient {j} is {grad[j]}, the closed form gives {expected}");
            }
            var first = loss.item<float>();
            model.zero_grad();
            using var optimizer = new torch.optim.AdamW(torch.optim.WeightDecayGroups(model.named_parameters(), 0.01), lr: 0.05);
            float last = first;
            for (var step = 0; step < 20; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                var stepLoss = torch.nn.functional.mse_loss(model.forward(x), y);
                stepLoss.backward();
                optimizer.step();
                optimizer.zero_grad();
                last = stepLoss.item<float>();
            }
            if (!(last < first)) return CheckResult.Fail($"20 AdamW steps did not lower the loss ({first} -> {last})");
            return CheckResult.Pass($"gradient matches the closed form; AdamW lowered the loss {first:0.###} -> {last:0.###}");
        }
    }

    /// <summary>Data in, an add in libtorch, data out, and every native tensor freed again.</summary>
    public static CheckResult TensorRoundTrip()
    {
        var before = torch.LiveTensorCount;
        float[] result;
        using (torch.NewDisposeScope())
        {
            var a = torch.tensor(new float[] { 1.5f, -2f, 3.25f, 0f }, [2, 2]);
            var b = torch.tensor(new float[] { 0.5f, 2f, -0.25f, 7f }, [2, 2]);
            using var sum = a.add(b, alpha: 2.0);
            if (!sum.shape.SequenceEqual([2L, 2L])) return CheckResult.Fail($"shape [{string.Join(", ", sum.shape)}], expected [2, 2]");
            result = sum.data<float>();
        }
        float[] expected = [2.5f, 2f, 2.75f, 14f];
        if (!result.SequenceEqual(expected))
            return CheckResult.Fail($"a + 2b gave [{string.Join(", ", result)}], expected [{string.Join(", ", expected)}]");
        var leaked = torch.LiveTensorCount - before;
        return leaked == 0
            ? CheckResult.Pass("a + 2b computed by libtorch, copied back exactly; no tensor leaked")
            : CheckResult.Fail($"{leaked} native tensor(s) still alive after the scope ended");
    }

    /// <summary>Two ranks on two threads: TCPStore on a free port, Gloo on 127.0.0.1, a sum and an average.</summary>
    public static CheckResult GlooAllReduceOnLoopback()
    {
        using var master = new TcpStore("127.0.0.1", 0, 2, isMaster: true, CollectiveTimeout);
        using var client = new TcpStore("127.0.0.1", master.Port, 2, isMaster: false, CollectiveTimeout);
        var stores = new Store[] { master, client };
        var ranks = Enumerable.Range(0, 2).Select(rank => Task.Factory.StartNew(() =>
        {
            using var group = new ProcessGroupGloo(stores[rank], rank, 2, CollectiveTimeout, GlooOptions.Loopback);
            using var sum = torch.tensor(new float[] { rank + 1f, 10f * (rank + 1) });
            using var mean = torch.tensor(new float[] { rank + 1f, 10f * (rank + 1) });
            group.AllReduce(sum);
            group.AllReduce(mean, ReduceOp.Avg);
            group.Barrier();
            return (Sum: sum.data<float>(), Mean: mean.data<float>());
        }, TaskCreationOptions.LongRunning)).ToArray();
        if (!Task.WaitAll(ranks, CollectiveTimeout * 3))
            return CheckResult.Fail($"the ranks did not finish within {(CollectiveTimeout * 3).TotalSeconds:0} s");
        foreach (var (rank, outcome) in ranks.Select((t, i) => (i, t.Result)))
        {
            if (!outcome.Sum.SequenceEqual([3f, 30f]))
                return CheckResult.Fail($"rank {rank}: sum [{string.Join(", ", outcome.Sum)}], expected [3, 30]");
            if (!outcome.Mean.SequenceEqual([1.5f, 15f]))
                return CheckResult.Fail($"rank {rank}: average [{string.Join(", ", outcome.Mean)}], expected [1.5, 15]");
        }
        return CheckResult.Pass($"sum and average agree on both ranks (store port {master.Port})");
    }
}
