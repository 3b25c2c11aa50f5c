using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Shared.Text;

namespace Orchestrator.Bench;

/// <summary>
/// `tokenizer DIR [repeats]`: words per second of our BertTokenizer on DIR/corpus.txt with DIR/tokenizer.json,
/// single core (line by line) and all cores (EncodeBatch); the best of the repeats, which is the least
/// disturbed by other load on the machine. bench/run-tokenizer.sh runs it next to the
/// JavaScript reference on the same files and prints the ratios.
/// </summary>
public static class TokenizerBench
{
    public static int Run(string[] args)
    {
        if (args.Length < 1) { Console.Error.WriteLine("usage: tokenizer <dir> [repeats]"); return 2; }
        var dir = args[0];
        int repeats = args.Length > 1 ? int.Parse(args[1]) : 5;
        var tokenizer = BertTokenizer.FromTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        var lines = File.ReadAllLines(Path.Combine(dir, "corpus.txt")).Where(l => l.Length > 0).ToArray();
        long words = lines.Sum(l => (long)l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);

        long tokens = EncodeSequentially(tokenizer, lines); // warm-up (JIT, scratch buffers)
        tokenizer.EncodeBatch(lines);
        var single = new List<double>();
        var singleCpu = new List<double>();
        var all = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var (wall, cpu) = Time(() => EncodeSequentially(tokenizer, lines));
            single.Add(wall);
            singleCpu.Add(cpu);
            all.Add(Time(() => tokenizer.EncodeBatch(lines)).Wall);
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["lines"] = lines.Length,
            ["words"] = words,
            ["tokens"] = tokens,
            ["cores"] = Environment.ProcessorCount,
            ["ours_single_wps"] = words / single.Min(),
            ["ours_single_cpu_wps"] = words / singleCpu.Min(),
            ["ours_all_wps"] = words / all.Min(),
        }));
        return 0;
    }

    private static long EncodeSequentially(BertTokenizer tokenizer, string[] lines)
    {
        long tokens = 0;
        foreach (var line in lines) tokens += tokenizer.Encode(line).Length;
        return tokens;
    }

    /// <summary>Wall seconds, and CPU seconds of the whole process (robust when other jobs share the cores).</summary>
    private static (double Wall, double Cpu) Time(Action action)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        var wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}
