using Orchestrator.Coordinator.Run;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// The brief's first bar: N workers with per-device batch b reach the weights of one worker with batch N*b
/// (DistributedSampler order: rank k takes positions k, k+N, ... of the same seeded permutation, so step s of
/// both runs sees the same examples), and distributed evaluation of an odd-sized validation set (the sampler
/// repeats an example to even out the ranks) gives the single-worker metrics: no example counted twice.
/// </summary>
public sealed class DistributedEqualsSingleTests(SingleWorkerRun single, ITestOutputHelper output) : IClassFixture<SingleWorkerRun>
{
    [Theory]
    [InlineData(4, 1, true)] // two worker processes joined over loopback, as `orchestrator train` runs them
    [InlineData(2, 2, false)] // gradient accumulation: 2 ranks x 2 micro-batches of 2 (worker actors in this process)
    public async Task Two_workers_with_batch_b_train_and_evaluate_like_one_worker_with_batch_2b(int batchSize, int accumulation, bool processes)
    {
        var model = single.Model;
        // Two workers log every second step: their logged loss must be the mean of the single worker's two step losses.
        var two = RunTestKit.NerOptions(model, single.Data, single.Temp.Combine($"two-{batchSize}x{accumulation}"), workers: 2, batchSize: batchSize) with
        {
            GradientAccumulationSteps = accumulation, LoggingSteps = 2,
        };
        var one = single.Options;
        var (twoCode, twoConsole) = await RunTestKit.TrainAsync(two, placement: processes ? WorkerPlacement.LocalProcesses() : null);
        Assert.True(twoCode == RunHost.Succeeded, twoConsole);
        var difference = RunTestKit.MaxWeightDifference(Path.Combine(two.OutputDir!, "model"), Path.Combine(one.OutputDir!, "model"), out var tensors);
        output.WriteLine($"max |w2 - w1| over {tensors} tensors after 8 steps: {difference:E3}");
        Assert.True(difference <= 1e-5, $"2 workers x batch {batchSize} x {accumulation} and 1 worker x batch 8 ended {difference:E3} apart");
        // The weights moved: equal weights of two runs that did nothing would prove nothing.
        var moved = RunTestKit.MaxWeightDifference(model, Path.Combine(one.OutputDir!, "model"), out _);
        Assert.True(moved > 1e-3, $"training changed the weights by only {moved:E3}");

        var twoState = RunTestKit.LastState(two.OutputDir!);
        var oneState = RunTestKit.LastState(one.OutputDir!);
        Assert.Equal(8, twoState.GlobalStep);
        Assert.Equal(oneState.MetricHistory.Select(e => e.Step), twoState.MetricHistory.Select(e => e.Step));
        Assert.Equal(2, oneState.MetricHistory.Count);
        foreach (var (a, b) in oneState.MetricHistory.Zip(twoState.MetricHistory))
        {
            output.WriteLine($"step {a.Step}: 1 worker {Format(a.Metrics)} | 2 workers {Format(b.Metrics)}");
            Assert.Equal(a.Metrics.Keys.Order(), b.Metrics.Keys.Order());
            foreach (var name in a.Metrics.Keys.Where(k => k != "loss"))
                Assert.True(a.Metrics[name] == b.Metrics[name], $"step {a.Step}: {name} is {b.Metrics[name]} with 2 workers, {a.Metrics[name]} with 1");
            // The loss is a float sum in another order (two ranks' partial sums), so equal only to rounding.
            Assert.True(Math.Abs(a.Metrics["loss"] - b.Metrics["loss"]) < 1e-5, $"step {a.Step}: eval loss {b.Metrics["loss"]} vs {a.Metrics["loss"]}");
        }
        Assert.Contains("on 13 examples", twoConsole);

        // The logged training loss is the global one (not rank 0's), averaged over the steps since the last log.
        var oneLosses = oneState.LogHistory.Where(h => h.ContainsKey("loss")).Select(h => h["loss"]).ToList();
        var twoLosses = twoState.LogHistory.Where(h => h.ContainsKey("loss")).Select(h => (h["step"], h["loss"])).ToList();
        Assert.Equal(8, oneLosses.Count);
        Assert.Equal([2.0, 4.0, 6.0, 8.0], twoLosses.Select(l => l.Item1));
        for (var i = 0; i < twoLosses.Count; i++)
        {
            var expected = (oneLosses[2 * i] + oneLosses[2 * i + 1]) / 2;
            Assert.True(Math.Abs(twoLosses[i].Item2 - expected) < 1e-5, $"loss logged at step {twoLosses[i].Item1}: {twoLosses[i].Item2}, one worker's mean {expected}");
        }
    }

    private static string Format(Dictionary<string, double> metrics) =>
        string.Join(", ", metrics.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value:G9}"));
}
