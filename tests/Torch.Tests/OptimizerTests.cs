using Orchestrator.Torch;
using static Orchestrator.Torch.torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Torch.Tests;

public class OptimizerTests
{
    private sealed class Net : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Linear dense = new(6, 8), classifier = new(8, 3);
        private readonly nn.LayerNorm norm = new(8);
        private readonly nn.Dropout dropout = new(0.2);

        public Net()
        {
            register_module("dense", dense);
            register_module("LayerNorm", norm);
            register_module("dropout", dropout);
            register_module("classifier", classifier);
        }

        public override Tensor forward(Tensor x) => classifier.call(dropout.call(norm.call(F.gelu(dense.call(x)))));
    }

    private sealed class Run : IDisposable
    {
        public readonly Net Model;
        public readonly optim.AdamW Optimizer;
        public readonly optim.lr_scheduler.LambdaLR Scheduler;

        public Run()
        {
            manual_seed(1);
            Model = new Net();
            Optimizer = new optim.AdamW(optim.WeightDecayGroups(Model.named_parameters(), 0.01), lr: 1e-2);
            Scheduler = optim.lr_scheduler.get_linear_schedule_with_warmup(Optimizer, 2, 8);
        }

        public void Steps(Tensor x, Tensor y, int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                F.cross_entropy(Model.call(x), y).backward();
                Optimizer.Flat.clip_grad_norm_(1.0);
                Optimizer.step();
                Scheduler.step();
                Optimizer.zero_grad();
            }
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            Model.Dispose();
        }
    }

    [Fact]
    public void ResumingFromSavedModelOptimizerSchedulerAndRngStateIsExact()
    {
        using var scope = NewDisposeScope();
        var x = randn([5, 6]);
        var y = tensor(new long[] { 0, 2, 1, 1, 0 });

        using var uninterrupted = new Run();
        uninterrupted.Steps(x, y, 3);
        var model = uninterrupted.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var optimizer = uninterrupted.Optimizer.state_dict();
        var scheduler = uninterrupted.Scheduler.state_dict();
        var rng = get_rng_state();
        uninterrupted.Steps(x, y, 3);

        manual_seed(12345);
        using var resumed = new Run();
        resumed.Model.load_state_dict(model);
        resumed.Optimizer.load_state_dict(optimizer);
        resumed.Scheduler.load_state_dict(scheduler);
        set_rng_state(rng);
        Assert.Equal(3L, resumed.Optimizer.StepCount);
        Assert.Equal(uninterrupted.Scheduler.last_epoch - 3, resumed.Scheduler.last_epoch);
        resumed.Steps(x, y, 3);

        Assert.True(uninterrupted.Optimizer.Flat.Data.equal(resumed.Optimizer.Flat.Data));
        Assert.True(uninterrupted.Optimizer.ExpAvgSq.equal(resumed.Optimizer.ExpAvgSq));
        Assert.Equal(uninterrupted.Scheduler.get_last_lr(), resumed.Scheduler.get_last_lr());
    }

    [Fact]
    public void WarmupThenLinearDecaySchedule()
    {
        using var scope = NewDisposeScope();
        using var p = new nn.Parameter(zeros([2]));
        using var optimizer = new optim.AdamW([new optim.ParamGroup([("w", p)])], lr: 1.0);
        var scheduler = optim.lr_scheduler.get_linear_schedule_with_warmup(optimizer, 4, 10);
        var lrs = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            lrs.Add(scheduler.get_last_lr()[0]);
            scheduler.step();
        }
        Assert.Equal([0, 0.25, 0.5, 0.75, 1, 5.0 / 6, 4.0 / 6, 3.0 / 6, 2.0 / 6, 1.0 / 6, 0, 0], lrs, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void OptimizerStateOfTheWrongSizeIsRejected()
    {
        using var scope = NewDisposeScope();
        using var p = new nn.Parameter(zeros([3]));
        using var optimizer = new optim.AdamW([new optim.ParamGroup([("w", p)])]);
        var state = optimizer.state_dict();
        state["exp_avg"] = zeros([4]);
        var error = Assert.Throws<InvalidOperationException>(() => optimizer.load_state_dict(state));
        Assert.Contains("'exp_avg' has 4 elements, the parameters have 3", error.Message);
    }

    [Fact]
    public void FusedStepOverALargeOddSizedBufferFollowsTheUpdateRule()
    {
        // Large enough to be split across threads and odd-sized so every vector loop has a scalar tail.
        const int n = 200_003;
        const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = 0.01;
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        using var p = new nn.Parameter(randn([n], generator));
        using var optimizer = new optim.AdamW([new optim.ParamGroup([("w", p)])], lr: lr, weight_decay: wd);
        var param = p.data<float>().Select(x => (double)x).ToArray();
        var m = new double[n];
        var v = new double[n];
        for (var step = 1; step <= 3; step++)
        {
            var grad = randn([n], generator).mul(step);
            p.grad!.copy_(grad);
            optimizer.step();
            var g = grad.data<float>();
            var bc1 = 1 - Math.Pow(beta1, step);
            var bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
            for (var i = 0; i < n; i++)
            {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                param[i] = param[i] * (1 - lr * wd) - lr / bc1 * m[i] / (Math.Sqrt(v[i]) / bc2Sqrt + eps);
            }
        }

        AssertClose(param, p.data<float>(), "param");
        AssertClose(m, optimizer.ExpAvg.data<float>(), "exp_avg");
        AssertClose(v, optimizer.ExpAvgSq.data<float>(), "exp_avg_sq");
    }

    [Fact]
    public void ClippingWithinBoundsLeavesEveryGradientBitUnchanged()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        using var p = new nn.Parameter(zeros([1000]));
        using var flat = new optim.FlatParameters([new optim.ParamGroup([("w", p)])]);
        var grad = randn([1000], generator).mul(1e-3);
        p.grad!.copy_(grad);
        var total = flat.clip_grad_norm_(1.0);
        Assert.True(total < 1.0);
        Assert.Equal(grad.bytes(), flat.Grad.bytes());

        p.grad!.copy_(grad.mul(1e4));
        Assert.True(flat.clip_grad_norm_(1.0) > 1.0);
        Assert.InRange(flat.Grad.norm().item<float>(), 0.999f, 1.000001f);
    }

    [Fact]
    public void AMovedGradientIsWhereBackwardAccumulatesAndTheOptimizerReads()
    {
        using var scope = NewDisposeScope();
        using var p = new nn.Parameter(ones([4]));
        using var flat = new optim.FlatParameters([new optim.ParamGroup([("w", p)])]);
        p.grad!.fill_(0.5);
        var storage = zeros([4]);
        flat.MoveGradientTo(storage);
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f], storage.data<float>());   // the gradient so far came along

        flat.zero_grad();
        p.mul(tensor(new float[] { 1, 2, 3, 4 })).sum().backward();
        Assert.Equal([1f, 2f, 3f, 4f], storage.data<float>());
        // Adam's first step moves each weight by the learning rate against its gradient's sign: a zero gradient
        // (the old buffer) would move none.
        using var optimizer = new optim.AdamW(flat, lr: 0.1, weight_decay: 0);
        optimizer.step();
        foreach (var w in p.data<float>()) Assert.Equal(0.9f, w, 1e-5f);
        Assert.Throws<ArgumentException>(() => flat.MoveGradientTo(zeros([5])));
    }

    private static void AssertClose(double[] expected, float[] actual, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 * Math.Max(1.0, Math.Abs(expected[i])),
                $"{name}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
