using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;

namespace Orchestrator.Bench.Safetensors;

/// <summary>
/// Reads a bert-base-sized safetensors file (generated, ~440 MB of F32) with SafetensorsFile.ReadAll and with
/// plain PyTorch (bench/python/safetensors_read.py: struct + json + readinto + frombuffer) in the same run,
/// warm page cache, and reports the time and peak-RSS ratios.
/// Usage: safetensors-read [file] [repeat]   (the file is generated if missing)
/// </summary>
public static class SafetensorsReadBench
{
    public static int Run(string[] args)
    {
        var path = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "orc-bench-bert-base.safetensors");
        var repeat = args.Length > 1 ? int.Parse(args[1]) : 5;
        if (!File.Exists(path)) Generate(path);
        Console.WriteLine($"file {path}: {new FileInfo(path).Length / 1e6:F0} MB");
        WarmPageCache(path);

        var python = RunPython(path, repeat);
        var ours = RunOurs(path, repeat);
        Report(ours, python);
        return 0;
    }

    private sealed record Result(string Impl, double[] Seconds, double[] CpuSeconds, double BaselineRssMb, double PeakRssMb)
    {
        public double Median => Seconds.Order().ElementAt(Seconds.Length / 2);
        public double MedianCpu => CpuSeconds.Order().ElementAt(CpuSeconds.Length / 2);
        public double PeakAboveBaselineMb => PeakRssMb - BaselineRssMb;
    }

    private static Result RunOurs(string path, int repeat)
    {
        torch.zeros([1]).Dispose();
        GC.Collect();
        var baseline = StatusMb("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5"); // reset the peak (VmHWM) to the current RSS
        var seconds = new double[repeat];
        var cpu = new double[repeat];
        using var self = Process.GetCurrentProcess();
        for (var i = 0; i < repeat; i++)
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            using (torch.NewDisposeScope())
            using (var file = SafetensorsFile.Open(path))
            {
                file.ReadAll();
                seconds[i] = clock.Elapsed.TotalSeconds;
                self.Refresh();
                cpu[i] = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
            }
        }
        return new Result("orchestrator", seconds, cpu, baseline, StatusMb("VmHWM"));
    }

    private static Result RunPython(string path, int repeat)
    {
        var script = FindUp(Path.Combine("bench", "python", "safetensors_read.py"));
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true };
        foreach (var a in new[] { script, path, repeat.ToString() }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException("the Python baseline failed");
        var json = JsonDocument.Parse(line).RootElement;
        double[] Array(string name) => json.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        return new Result("python", Array("seconds"), Array("cpu_seconds"), json.GetProperty("baseline_rss_mb").GetDouble(), json.GetProperty("peak_rss_mb").GetDouble());
    }

    private static void Report(Result ours, Result python)
    {
        foreach (var r in new[] { ours, python })
            Console.WriteLine($"{r.Impl,-13} median {r.Median:F3} s wall, {r.MedianCpu:F3} s CPU  runs [{string.Join(", ", r.Seconds.Select(s => s.ToString("F3")))}]  " +
                              $"RSS baseline {r.BaselineRssMb:F0} MB, peak {r.PeakRssMb:F0} MB (+{r.PeakAboveBaselineMb:F0} MB)");
        // The first read is what loading a checkpoint costs; later ones reuse memory the previous read freed
        // (to very different degrees in the two processes), so both are shown.
        Console.WriteLine($"ratio first-read wall time (orchestrator / python): {ours.Seconds[0] / python.Seconds[0]:F2}, CPU: {ours.CpuSeconds[0] / python.CpuSeconds[0]:F2}");
        Console.WriteLine($"ratio wall time (orchestrator / python): {ours.Median / python.Median:F2}");
        Console.WriteLine($"ratio CPU time (orchestrator / python): {ours.MedianCpu / python.MedianCpu:F2}");
        Console.WriteLine($"ratio peak RSS above baseline (orchestrator / python): {ours.PeakAboveBaselineMb / python.PeakAboveBaselineMb:F2}");
    }

    // bert-base-cased shapes: 108M float32 parameters.
    private static void Generate(string path)
    {
        const int hidden = 768, intermediate = 3072, vocab = 28996, layers = 12;
        var shapes = new List<(string, long[])>
        {
            ("bert.embeddings.word_embeddings.weight", [vocab, hidden]),
            ("bert.embeddings.position_embeddings.weight", [512, hidden]),
            ("bert.embeddings.token_type_embeddings.weight", [2, hidden]),
            ("bert.embeddings.LayerNorm.weight", [hidden]),
            ("bert.embeddings.LayerNorm.bias", [hidden]),
            ("bert.pooler.dense.weight", [hidden, hidden]),
            ("bert.pooler.dense.bias", [hidden]),
        };
        for (var l = 0; l < layers; l++)
        {
            var p = $"bert.encoder.layer.{l}.";
            foreach (var m in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
                shapes.AddRange([(p + m + ".weight", [hidden, hidden]), (p + m + ".bias", [hidden])]);
            shapes.AddRange([
                (p + "attention.output.LayerNorm.weight", [hidden]), (p + "attention.output.LayerNorm.bias", [hidden]),
                (p + "intermediate.dense.weight", [intermediate, hidden]), (p + "intermediate.dense.bias", [intermediate]),
                (p + "output.dense.weight", [hidden, intermediate]), (p + "output.dense.bias", [hidden]),
                (p + "output.LayerNorm.weight", [hidden]), (p + "output.LayerNorm.bias", [hidden]),
            ]);
        }
        var random = new Random(42);
        using var scope = torch.NewDisposeScope();
        var tensors = shapes.ToDictionary(s => s.Item1, s =>
        {
            var values = new float[s.Item2.Aggregate(1L, (a, b) => a * b)];
            for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5);
            return torch.tensor(values, s.Item2);
        });
        var clock = Stopwatch.StartNew();
        SafetensorsWriter.Write(path, tensors);
        Console.WriteLine($"generated {path} ({tensors.Count} tensors) in {clock.Elapsed.TotalSeconds:F2} s (write time, incl. fsync)");
    }

    // Both readers then start from a warm page cache; a small buffer keeps our own RSS baseline honest.
    private static void WarmPageCache(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[1 << 20];
        while (stream.Read(buffer) > 0) { }
    }

    private static double StatusMb(string field) =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).First();

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
