using Orchestrator.Bench;

// Benchmarks, one verb each: `dotnet run --project bench/Orchestrator.Bench -c Release -- <verb> [options]`.
var verbs = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["train-step"] = TrainStepBench.Run,
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var verb))
{
    Console.Error.WriteLine($"usage: Orchestrator.Bench <{string.Join("|", verbs.Keys)}> [options]");
    return 2;
}
return verb(args[1..]);
