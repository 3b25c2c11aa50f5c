using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Torch;
using Orchestrator.Worker.Models;
using static Orchestrator.Torch.torch.optim;

namespace Orchestrator.Bench;

/// <summary>
/// One training step (forward, loss, backward, clip 1.0, AdamW, zero grad) of BERT token classification, ours vs
/// plain PyTorch eager (tests/parity/bert_reference.py `step`) on the same libtorch, in the same run, same threads.
/// With --torchsharp FOLDER (bench/TorchSharpBert's patched build), the same BERT on TorchSharp too, with its built-in
/// AdamW and with FlatAdamW, each in its own process.
/// Options: --sizes mini,base --seqs 32,128 --batch 8 --steps 3 --rounds 2 --arch bert --torchsharp FOLDER
/// (BENCH_PHASES=1 prints phase times).
/// </summary>
public static class TrainStepBench
{
    public static int Run(string[] args)
    {
        var options = Options(args);
        var sizes = options.GetValueOrDefault("sizes", "mini,base").Split(',');
        var seqs = options.GetValueOrDefault("seqs", "32,128").Split(',').Select(int.Parse).ToArray();
        var batch = int.Parse(options.GetValueOrDefault("batch", "8"), CultureInfo.InvariantCulture);
        var steps = int.Parse(options.GetValueOrDefault("steps", "3"), CultureInfo.InvariantCulture);
        var arch = options.GetValueOrDefault("arch", "bert");
        var rounds = int.Parse(options.GetValueOrDefault("rounds", "2"), CultureInfo.InvariantCulture);
        // The folder of bench/TorchSharpBert's build, patched to load here (bench/torchsharp/prepare-native.sh).
        var torchSharp = options.GetValueOrDefault("torchsharp");
        if (torchSharp is not null && arch != "bert") throw new ArgumentException("the TorchSharp side is BERT only (--arch bert)");
        foreach (var variable in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS" })
            if (Environment.GetEnvironmentVariable(variable) is null)
                Console.Error.WriteLine($"warning: {variable} is not set; run bench/train-step.sh so both sides use the same threads");

        Console.WriteLine($"train step, {arch} token classification, batch {batch}, minimum of {steps} timed steps after 1 warm-up, {rounds} alternating rounds, " +
            $"OMP_NUM_THREADS={Environment.GetEnvironmentVariable("OMP_NUM_THREADS")} OPENBLAS_NUM_THREADS={Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS")}");
        // The comparison the goal is about uses the same settings on both sides. PyTorch's fastest setting on this kind of
        // machine is the other way round (one OpenMP thread, BLAS threads on every core: also what libtorch picks by
        // itself when it counts one physical core), so it is measured too, to show the gain is not only a thread setting.
        var cores = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        var blasThreaded = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1", ["OPENBLAS_NUM_THREADS"] = cores };
        var rows = new List<(string Model, int Seq, Timing Ours, Timing PyTorch, Timing PyTorchBlas, Timing? TorchSharp, Timing? TorchSharpFlat)>();
        foreach (var size in sizes)
            foreach (var seq in seqs)
            {
                // Alternate the sides so a burst of load from other processes does not favour one.
                Timing ours = Timing.None, theirs = Timing.None, theirsBlas = Timing.None, sharp = Timing.None, sharpFlat = Timing.None;
                for (var round = 0; round < rounds; round++)
                {
                    ours = ours.Min(Ours(arch, size, batch, seq, steps));
                    theirs = theirs.Min(PyTorch(arch, size, batch, seq, steps, environment: null));
                    theirsBlas = theirsBlas.Min(PyTorch(arch, size, batch, seq, steps, blasThreaded));
                    if (torchSharp is null) continue;
                    sharp = sharp.Min(TorchSharp(torchSharp, size, batch, seq, steps, "builtin"));
                    sharpFlat = sharpFlat.Min(TorchSharp(torchSharp, size, batch, seq, steps, "flat"));
                }
                rows.Add((arch + "-" + size, seq, ours, theirs, theirsBlas, torchSharp is null ? null : sharp, torchSharp is null ? null : sharpFlat));
                Console.Error.WriteLine($"  measured {arch}-{size} seq {seq}: s/step ours {ours.Step:F4} pytorch {theirs.Step:F4} (BLAS threads {theirsBlas.Step:F4})" +
                    (torchSharp is null ? "" : $" torchsharp {sharp.Step:F4} (flat AdamW {sharpFlat.Step:F4}); AdamW ours {ours.AdamW:F4} pytorch {theirs.AdamW:F4} torchsharp {sharp.AdamW:F4} flat {sharpFlat.AdamW:F4}"));
            }

        Console.WriteLine();
        Console.WriteLine("seconds per training step (lower is better), and ratios (> 1: ours is faster)");
        Console.Write($"{"model",-12} {"seq",4} {"ours",8} {"pytorch",8} {"pytorch/ours",12} {"pytorch BLAS thr.",17} {"that/ours",9}");
        Console.WriteLine(torchSharp is null ? "" : $" {"torchsharp",10} {"torchsharp/ours",15} {"torchsharp/pytorch",18} {"ts+flat AdamW",13} {"that/ours",9}");
        foreach (var r in rows)
        {
            Console.Write($"{r.Model,-12} {r.Seq,4} {r.Ours.Step,8:F4} {r.PyTorch.Step,8:F4} {r.PyTorch.Step / r.Ours.Step,12:F2} {r.PyTorchBlas.Step,17:F4} {r.PyTorchBlas.Step / r.Ours.Step,9:F2}");
            Console.WriteLine(r.TorchSharp is not Timing t || r.TorchSharpFlat is not Timing f ? ""
                : $" {t.Step,10:F4} {t.Step / r.Ours.Step,15:F2} {t.Step / r.PyTorch.Step,18:F2} {f.Step,13:F4} {f.Step / r.Ours.Step,9:F2}");
        }
        Console.WriteLine($"(pytorch BLAS thr.: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS={cores}, PyTorch's fastest setting here; " +
            "torchsharp: TorchSharp 0.107 on its own libtorch 2.10 with its built-in AdamW; ts+flat AdamW: the same with FlatAdamW)");
        Console.WriteLine();
        Console.WriteLine("seconds of the AdamW step alone (clip excluded)");
        Console.Write($"{"model",-12} {"seq",4} {"ours (flat)",11} {"torch.optim.AdamW",17}");
        Console.WriteLine(torchSharp is null ? "" : $" {"TorchSharp AdamW",16} {"that/pytorch",12} {"TorchSharp FlatAdamW",20} {"that/pytorch",12}");
        foreach (var r in rows)
        {
            Console.Write($"{r.Model,-12} {r.Seq,4} {r.Ours.AdamW,11:F4} {r.PyTorch.AdamW,17:F4}");
            Console.WriteLine(r.TorchSharp is not Timing t || r.TorchSharpFlat is not Timing f ? ""
                : $" {t.AdamW,16:F4} {t.AdamW / r.PyTorch.AdamW,12:F2} {f.AdamW,20:F4} {f.AdamW / r.PyTorch.AdamW,12:F2}");
        }
        return 0;
    }

    /// <summary>The fastest training step and the fastest AdamW step of one side (each the minimum over its steps).</summary>
    private readonly record struct Timing(double Step, double AdamW)
    {
        public static readonly Timing None = new(double.MaxValue, double.MaxValue);
        public Timing Min(Timing other) => new(Math.Min(Step, other.Step), Math.Min(AdamW, other.AdamW));
    }

    private static Timing Ours(string arch, string size, int batch, int seq, int steps)
    {
        var labels = Enumerable.Range(0, 9).Select(i => $"L{i}").ToList();
        var config = ModelSizes.Config(arch, size, 30522, 0, labels);
        using var model = PretrainedModels.CreateRandom(config, ModelTask.TokenClassification, 42);
        model.Module.train();
        using var flat = new FlatParameters(WeightDecayGroups(model.Module.named_parameters(), 0.0));
        using var optimizer = new AdamW(flat, lr: 2e-5, weight_decay: 0.0);
        using var generator = new torch.Generator(7);
        using var inputIds = torch.randint(1, 30522, [batch, seq], generator).DetachFromDisposeScope();
        using var mask = torch.ones([batch, seq], ScalarType.Int64).DetachFromDisposeScope();
        using var labelIds = torch.randint(0, 9, [batch, seq], generator).DetachFromDisposeScope();

        double Step()
        {
            using var scope = torch.NewDisposeScope();
            var w = Stopwatch.StartNew();
            var output = model.forward(inputIds, mask, null, labelIds);
            var tf = w.Elapsed.TotalSeconds;
            output.Loss!.backward();
            var tb = w.Elapsed.TotalSeconds;
            flat.clip_grad_norm_(1.0);
            var tc = w.Elapsed.TotalSeconds;
            optimizer.step();
            var to = w.Elapsed.TotalSeconds;
            optimizer.zero_grad();
            var tz = w.Elapsed.TotalSeconds;
            if (Environment.GetEnvironmentVariable("BENCH_PHASES") is not null) Console.Error.WriteLine($"fwd {tf:F3} bwd {tb-tf:F3} clip {tc-tb:F3} adam {to-tc:F3} zero {tz-to:F3}");
            return to - tc;
        }

        Step();
        var best = Timing.None;
        for (var i = 0; i < steps; i++)
        {
            var watch = Stopwatch.StartNew();
            var adamw = Step();
            best = best.Min(new Timing(watch.Elapsed.TotalSeconds, adamw));
        }
        // The minimum is the least disturbed by other processes on a shared machine.
        return best;
    }

    private static Timing PyTorch(string arch, string size, int batch, int seq, int steps, IReadOnlyDictionary<string, string>? environment) =>
        RunSide("/usr/bin/python3", [Script(), "step", arch, size, Text(batch), Text(seq), Text(steps)], environment);

    /// <summary>bench/TorchSharpBert in its own process: its libtorch 2.10 cannot share a process with ours (1.13).</summary>
    private static Timing TorchSharp(string folder, string size, int batch, int seq, int steps, string optimizer) =>
        RunSide("dotnet", [Path.Combine(folder, "TorchSharpBert.dll"), "step", size, Text(batch), Text(seq), Text(steps), optimizer], null);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Timing RunSide(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(" ", arguments)} failed with exit code {process.ExitCode}");
        var json = JsonDocument.Parse(output).RootElement;
        return new Timing(json.GetProperty("seconds_per_step").GetDouble(), json.GetProperty("adamw_seconds").GetDouble());
    }

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "parity", "bert_reference.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("tests/parity/bert_reference.py not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
            result[args[i][2..]] = args[i + 1];
        }
        return result;
    }
}
