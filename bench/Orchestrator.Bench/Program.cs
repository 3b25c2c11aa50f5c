using Orchestrator.Bench.Safetensors;

// Benchmarks against plain PyTorch, each reporting ratios measured in the same run.
var benchmarks = new Dictionary<string, Func<string[], int>>
{
    ["safetensors-read"] = SafetensorsReadBench.Run,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Orchestrator.Bench <{string.Join("|", benchmarks.Keys)}> [args]");
    return 2;
}
return run(args[1..]);
