using System.Diagnostics;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Data;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Training;
using Serilog;

namespace Orchestrator.Bench;

/// <summary>
/// How much of a whole run is not the training step: samples per second of `orchestrator train` from
/// start to finish (reading and tokenizing data, evaluation, checkpoints, logging included) against the
/// samples per second of the bare training steps over the same batches, measured in the same process.
/// Goal: the run keeps at least 90% of the step-only throughput.
/// Usage: run-overhead [epochs=2] [workers=1]
/// </summary>
public static class RunOverheadBench
{
    public static int Run(string[] args)
    {
        var epochs = args.Length > 0 ? int.Parse(args[0]) : 2;
        var workers = args.Length > 1 ? int.Parse(args[1]) : 1;
        var root = Path.Combine(Path.GetTempPath(), $"orchestrator-bench-{Guid.NewGuid():N}");
        var options = DefaultRun.Defaults() with
        {
            Workers = workers,
            NumTrainEpochs = epochs,
            OutputDir = Path.Combine(root, "run"),
            ModelPath = Path.Combine(root, "base-model"),
        };
        DefaultRun.EnsureBaseModel(options.ModelPath!, Path.Combine(DefaultRun.DataRoot, "vocab.txt"), DefaultRun.BundledNerLabels());

        // The bare steps before and after the run, the faster of the two counting (so a noisy neighbour
        // or a cold start can only make the run look worse, never better).
        var prepared = PreparedRun.Prepare(options, Serilog.Core.Logger.None);
        // As each worker does on its compute thread: its share of the cores.
        double TimeSteps() =>
            Orchestrator.Torch.ComputeThreads.RunOnOwnThread(Math.Max(1, Environment.ProcessorCount / workers), () => TimeTrainingSteps(prepared));
        var stepSecondsBefore = TimeSteps();
        var samples = (double)prepared.Plan.SamplesPerRank * workers * epochs;

        var watch = Stopwatch.StartNew();
        var exit = RunHost.TrainAsync(options, TextWriter.Null).GetAwaiter().GetResult();
        var runSeconds = watch.Elapsed.TotalSeconds;
        if (exit != 0)
        {
            Console.Error.WriteLine($"the run failed with exit code {exit}");
            return exit;
        }
        var stepSeconds = Math.Min(stepSecondsBefore, TimeSteps());
        Directory.Delete(root, recursive: true);

        var stepOnly = samples / stepSeconds;
        var whole = samples / runSeconds;
        Console.WriteLine($"workers {workers}, epochs {epochs}, {samples:0} training samples, batch {options.PerDeviceTrainBatchSize} per worker");
        Console.WriteLine($"training steps only : {stepOnly,8:0.0} samples/s ({stepSeconds:0.00} s)");
        Console.WriteLine($"whole run           : {whole,8:0.0} samples/s ({runSeconds:0.00} s, data, evaluation, checkpoints included)");
        Console.WriteLine($"ratio whole/steps   : {whole / stepOnly:0.000} (goal >= 0.90)");
        return 0;
    }

    /// <summary>The same steps as the run (one replica per worker is not needed for a one-worker figure).</summary>
    private static double TimeTrainingSteps(PreparedRun prepared)
    {
        var options = prepared.Options;
        var settings = ReplicaSettings.From(options, prepared.ModelDirectory, prepared.Task, prepared.LabelNames, prepared.Plan);
        using var replica = new ModelReplica(settings, Collectives.Single, Serilog.Core.Logger.None);
        var collator = new Collator(prepared.Tokenizer.PadTokenId, prepared.Task.LabelKind(), options.PadToMultipleOf);
        double seconds = 0;
        for (var epoch = 0; epoch < prepared.Plan.Epochs; epoch++)
        {
            var shard = DistributedShardPlan.ForEpoch(prepared.Train.Length, 1, (ulong)options.Seed, epoch).IndicesFor(0);
            var batches = collator.Batches(prepared.Train, shard, options.PerDeviceTrainBatchSize * options.Workers).ToList();
            var watch = Stopwatch.StartNew();
            foreach (var batch in batches) replica.TrainStep([batch]);
            seconds += watch.Elapsed.TotalSeconds;
        }
        return seconds;
    }
}
