using Orchestrator.Bench.Safetensors;

// Benchmark entry point: `dotnet run -c Release --project bench/Orchestrator.Bench -- <verb> [args]`.
// Each verb lives in its own file and compares against plain PyTorch (or the reference tokenizer)
// measured in the same run, reporting ratios.
var verbs = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["safetensors-read"] = SafetensorsReadBench.Run,
    ["tokenizer"] = Orchestrator.Bench.TokenizerBench.Run,
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Orchestrator.Bench <{string.Join("|", verbs.Keys)}> [args]");
    return 2;
}
return run(args[1..]);
