using System.Diagnostics;
using Orchestrator.Torch;
using static Orchestrator.Torch.torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Torch.Tests;

public class MemoryTests
{
    private sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Linear fc1 = new(32, 64), fc2 = new(64, 4);
        private readonly nn.LayerNorm norm = new(64);
        private readonly nn.Dropout dropout = new(0.1);

        public Mlp()
        {
            register_module("fc1", fc1);
            register_module("LayerNorm", norm);
            register_module("dropout", dropout);
            register_module("fc2", fc2);
        }

        public override Tensor forward(Tensor x) => fc2.call(dropout.call(norm.call(F.gelu(fc1.call(x)))));
    }

    [Fact]
    public void ThousandTrainStepsKeepLiveTensorsAndRssFlat()
    {
        manual_seed(0);
        using var model = new Mlp();
        using var optimizer = new optim.AdamW(optim.WeightDecayGroups(model.named_parameters(), 0.01), lr: 1e-3);
        var schedule = optim.lr_scheduler.get_linear_schedule_with_warmup(optimizer, 100, 1000);
        using var inputs = randn([16, 32]).DetachFromDisposeScope();
        using var labels = randint(0, 4, [16]).DetachFromDisposeScope();
        var baseline = LiveTensors.Settled();
        long rssAt100 = 0;
        double firstLoss = 0, lastLoss = 0;
        for (var step = 1; step <= 1000; step++)
        {
            using (NewDisposeScope())
            {
                var loss = F.cross_entropy(model.call(inputs), labels);
                loss.backward();
                optimizer.Flat.clip_grad_norm_(1.0);
                optimizer.step();
                schedule.step();
                optimizer.zero_grad();
                if (step == 1) firstLoss = loss.item<float>();
                lastLoss = loss.item<float>();
            }
            Assert.Equal(baseline, LiveTensorCount);
            if (step == 100) rssAt100 = Rss();
        }
        var rssAt1000 = Rss();
        Assert.True(lastLoss < firstLoss / 2, $"training should reduce the loss ({firstLoss} -> {lastLoss})");
        Assert.True(rssAt1000 - rssAt100 < 16L << 20, $"RSS grew from {rssAt100 >> 20} MiB to {rssAt1000 >> 20} MiB");
    }

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
