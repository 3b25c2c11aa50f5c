using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Torch;
using static Orchestrator.Torch.torch;

namespace Orchestrator.Bench.Engine;

/// <summary>
/// The C# halves of bench/run-engine.sh; bench/engine_reference.py runs the same work in plain PyTorch.
/// Each prints one JSON line {"bench": ..., "seconds": ...}; the script prints the ratios.
/// </summary>
internal static class EngineBenchmarks
{
    /// <summary>Adds two 16-element tensors `iterations` times, disposing each result (per-op overhead).</summary>
    public static double OpOverhead(int iterations)
    {
        using var a = randn([16]);
        using var b = randn([16]);
        for (var i = 0; i < 10_000; i++) (a + b).Dispose();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) (a + b).Dispose();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Mean seconds per flat-buffer AdamW step over bert-base-sized parameters (two decay groups).</summary>
    public static double AdamWStep(int steps)
    {
        manual_seed(0);
        var parameters = BertBaseShapes.All().Select(p =>
        {
            using var data = randn(p.shape);
            return (p.name, parameter: new nn.Parameter(data));
        }).ToList();
        using var optimizer = new optim.AdamW(optim.WeightDecayGroups(parameters, 0.01), lr: 2e-5);
        optimizer.Flat.Grad.normal_();
        optimizer.step(); // warm-up: first-touch of the state buffers
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) optimizer.step();
        var seconds = watch.Elapsed.TotalSeconds / steps;
        foreach (var (_, p) in parameters) p.Dispose();
        return seconds;
    }

    public static int Run(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "";
        var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        double seconds;
        switch (which)
        {
            case "op-overhead": seconds = OpOverhead(count > 0 ? count : 100_000); break;
            case "adamw": seconds = AdamWStep(count > 0 ? count : 5); break;
            default:
                Console.Error.WriteLine("usage: Orchestrator.Bench engine (op-overhead [iterations] | adamw [steps])");
                return 2;
        }
        Console.WriteLine(JsonSerializer.Serialize(new { bench = which, seconds, parameters = which == "adamw" ? BertBaseShapes.All().Sum(p => p.shape.Aggregate(1L, (x, y) => x * y)) : 0 }));
        return 0;
    }
}
