using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Torch;
using Orchestrator.Worker.Generation;
using Orchestrator.Worker.Models.T5;
using static Orchestrator.Torch.torch.optim;

namespace Orchestrator.Bench;

/// <summary>
/// T5 with the t5-small shape (d_model 512, d_ff 2048, 6+6 layers, 8 heads, vocabulary 32128), ours vs plain PyTorch
/// eager (tests/parity/t5_reference.py) on the same libtorch, in the same run, with the same threads:
///   t5-train-step [--batch 8 --source 128 --target 32 --steps 3 --rounds 2 --variant v1.0]
///     one training step: forward, loss, backward, AdamW, zero grad (seconds per step, the minimum of the timed steps);
///   t5-generate [--batch 8 --source 128 --new-tokens 32 --beams 1,4 --repeats 2 --rounds 2 --variant v1.0]
///     cached generation, tokens per second (generated tokens of the returned sequences / wall time of generate).
/// In both generation runs the last id plays eos with a zero head row, so eos never wins and every run decodes
/// exactly new-tokens tokens: the same work on both sides.
/// </summary>
public static class T5Bench
{
    public static int TrainStep(string[] args)
    {
        var o = Options(args);
        var batch = Int(o, "batch", 8);
        var source = Int(o, "source", 128);
        var target = Int(o, "target", 32);
        var steps = Int(o, "steps", 3);
        var rounds = Int(o, "rounds", 2);
        var variant = o.GetValueOrDefault("variant", "v1.0");
        WarnAboutThreads();
        Console.WriteLine($"T5 train step (t5-small shape, {variant}), batch {batch}, source {source}, target {target}, minimum of {steps} timed steps after 1 warm-up, " +
            $"{rounds} alternating rounds, {ThreadSettings()}");
        double ours = double.MaxValue, theirs = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            ours = Math.Min(ours, OursTrainStep(variant, batch, source, target, steps));
            theirs = Math.Min(theirs, Python("step", variant, batch, source, target, steps).GetProperty("seconds_per_step").GetDouble());
        }
        Console.WriteLine($"{"ours s/step",12} {"pytorch s/step",15} {"pytorch/ours",13}");
        Console.WriteLine($"{ours,12:F4} {theirs,15:F4} {theirs / ours,13:F3}");
        return 0;
    }

    public static int Generate(string[] args)
    {
        var o = Options(args);
        var batch = Int(o, "batch", 8);
        var source = Int(o, "source", 128);
        var newTokens = Int(o, "new-tokens", 32);
        var repeats = Int(o, "repeats", 2);
        var rounds = Int(o, "rounds", 2);
        var variant = o.GetValueOrDefault("variant", "v1.0");
        var beams = o.GetValueOrDefault("beams", "1,4").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        WarnAboutThreads();
        Console.WriteLine($"T5 cached generation (t5-small shape, {variant}), batch {batch}, source {source}, {newTokens} new tokens, best of {repeats} runs after 1 warm-up, " +
            $"{rounds} alternating rounds, {ThreadSettings()}");
        Console.WriteLine($"{"num_beams",9} {"ours tokens/s",14} {"pytorch tokens/s",17} {"ours/pytorch",13} {"same tokens",12}");
        foreach (var numBeams in beams)
        {
            double ours = 0, theirs = 0;
            var same = true;
            for (var round = 0; round < rounds; round++)
            {
                var (rate, sequences) = OursGenerate(variant, batch, source, newTokens, numBeams, repeats);
                var python = Python("genbench", variant, batch, source, newTokens, numBeams, repeats);
                ours = Math.Max(ours, rate);
                theirs = Math.Max(theirs, python.GetProperty("tokens_per_second").GetDouble());
                var theirSequences = python.GetProperty("sequences").EnumerateArray().Select(r => r.EnumerateArray().Select(t => t.GetInt64()).ToArray()).ToList();
                same &= theirSequences.Count == sequences.Count && theirSequences.Zip(sequences).All(p => p.First.SequenceEqual(p.Second));
            }
            Console.WriteLine($"{numBeams,9} {ours,14:F1} {theirs,17:F1} {ours / theirs,13:F3} {(same ? "yes" : "no"),12}");
        }
        return 0;
    }

    private static T5ForConditionalGeneration SmallModel(string variant) =>
        T5Pretrained.CreateRandom(T5RandomCheckpoint.Config("small", variant, 32128), seed: 42);

    private static double OursTrainStep(string variant, int batch, int source, int target, int steps)
    {
        using var model = SmallModel(variant);
        model.train();
        using var flat = new FlatParameters(model.named_parameters());
        using var optimizer = new AdamW(flat, lr: 1e-4, weight_decay: 0.0);
        using var generator = new torch.Generator(7);
        using var inputIds = torch.randint(2, 32128, [batch, source], generator).DetachFromDisposeScope();
        using var mask = torch.ones([batch, source], ScalarType.Int64).DetachFromDisposeScope();
        using var labels = torch.randint(2, 32128, [batch, target], generator).DetachFromDisposeScope();

        void Step()
        {
            using var scope = torch.NewDisposeScope();
            var output = model.forward(inputIds, mask, labels);
            output.Loss!.backward();
            optimizer.step();
            optimizer.zero_grad();
        }

        Step();
        var best = double.MaxValue;
        for (var i = 0; i < steps; i++)
        {
            var watch = Stopwatch.StartNew();
            Step();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static (double tokensPerSecond, IReadOnlyList<long[]> sequences) OursGenerate(string variant, int batch, int source, int newTokens, int numBeams, int repeats)
    {
        var config = T5RandomCheckpoint.Config("small", variant, 32128);
        torch.manual_seed(42);
        using var model = new T5ForConditionalGeneration(new T5Config
        {
            VocabSize = config.VocabSize, DModel = config.DModel, DKv = config.DKv, DFf = config.DFf, NumLayers = config.NumLayers,
            NumHeads = config.NumHeads, FeedForwardProj = config.FeedForwardProj, TieWordEmbeddings = config.TieWordEmbeddings,
            EosTokenId = config.VocabSize - 1,
        });
        T5WeightInit.Apply(model);
        using (torch.no_grad())
        using (var eosRow = (model.lm_head?.weight ?? model.shared.weight).select(0, config.VocabSize - 1))
            eosRow.zero_();
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(7);
        var inputIds = torch.randint(2, 32128, [batch, source], generator);
        var mask = torch.ones([batch, source], ScalarType.Int64);
        var options = new GenerationOptions { NumBeams = numBeams, MaxNewTokens = newTokens };
        GenerationResult result = Seq2SeqGenerator.Generate(model, inputIds, mask, options); // warm-up
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            result = Seq2SeqGenerator.Generate(model, inputIds, mask, options);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        var generated = batch * (result.Sequences[0].Length - 1);
        return (generated / best, result.Sequences);
    }

    private static JsonElement Python(string command, string variant, params int[] numbers)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true };
        start.ArgumentList.Add(Script());
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(variant);
        foreach (var n in numbers) start.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"t5_reference.py {command} failed with exit code {process.ExitCode}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "parity", "t5_reference.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("tests/parity/t5_reference.py not found above " + AppContext.BaseDirectory);
    }

    private static void WarnAboutThreads()
    {
        foreach (var variable in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS" })
            if (Environment.GetEnvironmentVariable(variable) is null)
                Console.Error.WriteLine($"warning: {variable} is not set; run bench/t5.sh so both sides use the same threads");
    }

    private static string ThreadSettings() =>
        $"OMP_NUM_THREADS={Environment.GetEnvironmentVariable("OMP_NUM_THREADS")} OPENBLAS_NUM_THREADS={Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS")}";

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

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
