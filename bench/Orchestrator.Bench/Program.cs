// Benchmark entry point: `Orchestrator.Bench <suite> <args>`; each suite compares with plain PyTorch
// through a script in bench/ that runs both sides in the same run.
using Orchestrator.Bench.Engine;

return args.FirstOrDefault() switch
{
    "engine" => EngineBenchmarks.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Orchestrator.Bench engine (op-overhead [iterations] | adamw [steps])");
    return 2;
}
