using Orchestrator.Bench.Engine;
using Orchestrator.Bench.Safetensors;

// Benchmark entry point: `dotnet run -c Release --project bench/Orchestrator.Bench -- <verb> [args]`.
// Each verb lives in its own file and compares against plain PyTorch (or the reference tokenizer)
// measured in the same run, reporting ratios; the bench/*.sh scripts run both sides.

// As in the `orchestrator` workers: OpenMP threads only, OpenBLAS single-threaded, unless the caller
// set OPENBLAS_NUM_THREADS (the scripts give both sides of a comparison the same environment).
Orchestrator.Torch.ComputeThreads.SingleThreadedBlasUnlessConfigured();

var verbs = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["engine"] = EngineBenchmarks.Run,
    ["safetensors-read"] = SafetensorsReadBench.Run,
    ["tokenizer"] = Orchestrator.Bench.TokenizerBench.Run,
    ["t5-tokenizer"] = Orchestrator.Bench.T5TokenizerBench.Run,
    ["run-overhead"] = Orchestrator.Bench.RunOverheadBench.Run,
    ["train-step"] = Orchestrator.Bench.TrainStepBench.Run,
    ["t5-train-step"] = Orchestrator.Bench.T5Bench.TrainStep,
    ["t5-generate"] = Orchestrator.Bench.T5Bench.Generate,
    ["predict"] = Orchestrator.Bench.PredictBench.Run,
    ["cluster-ask"] = Orchestrator.Bench.ClusterAskBench.Run,
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Orchestrator.Bench <{string.Join("|", verbs.Keys)}> [args]");
    return 2;
}
return run(args[1..]);
