using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Shared.Text;

namespace Orchestrator.Bench;

/// <summary>
/// `t5-tokenizer DIR [repeats]`: lines per second of our SentencePiece Unigram tokenizer on DIR/corpus.txt
/// with DIR/spiece.model (the same call as sentencepiece's `encode`: ids, no `&lt;/s&gt;`), line by line on one
/// core and on all cores; the best of the repeats. It also counts the lines whose ids equal those the
/// sentencepiece library wrote to DIR/sentencepiece-ids.txt. bench/run-t5-tokenizer.sh runs both sides.
/// </summary>
public static class T5TokenizerBench
{
    public static int Run(string[] args)
    {
        if (args.Length < 1) { Console.Error.WriteLine("usage: t5-tokenizer <dir> [repeats]"); return 2; }
        var dir = args[0];
        int repeats = args.Length > 1 ? int.Parse(args[1]) : 5;
        var load = Stopwatch.StartNew();
        var processor = T5Tokenizer.FromSentencePieceModel(Path.Combine(dir, "spiece.model")).Processor;
        double loadSeconds = load.Elapsed.TotalSeconds;
        // Lines exactly as Python's str.split("\n") sees them (File.ReadAllLines would also split on \r).
        var text = File.ReadAllText(Path.Combine(dir, "corpus.txt"));
        var lines = text.Split('\n')[..^1];

        var ids = lines.Select(processor.EncodeAsIds).ToArray(); // warm-up (JIT, scratch buffers)
        var single = new List<double>();
        var singleCpu = new List<double>();
        var all = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var (wall, cpu) = Time(() => { foreach (var line in lines) processor.EncodeAsIds(line); });
            single.Add(wall);
            singleCpu.Add(cpu);
            all.Add(Time(() => Parallel.ForEach(lines, line => processor.EncodeAsIds(line))).Wall);
        }

        var reference = File.ReadAllText(Path.Combine(dir, "sentencepiece-ids.txt")).Split('\n')[..^1];
        if (reference.Length != lines.Length) throw new InvalidDataException($"sentencepiece-ids.txt has {reference.Length} lines, the corpus {lines.Length}");
        int agree = 0;
        var firstDifferences = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var expected = reference[i].Length == 0 ? [] : reference[i].Split(' ').Select(int.Parse).ToArray();
            if (expected.SequenceEqual(ids[i])) agree++;
            else if (firstDifferences.Count < 3) firstDifferences.Add($"line {i + 1}: ours [{string.Join(" ", ids[i])}], sentencepiece [{reference[i]}]");
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["lines"] = lines.Length,
            ["tokens"] = ids.Sum(x => (long)x.Length),
            ["agree"] = agree,
            ["differences"] = firstDifferences,
            ["cores"] = Environment.ProcessorCount,
            ["load_seconds"] = loadSeconds,
            ["single_lps"] = lines.Length / single.Min(),
            ["single_cpu_lps"] = lines.Length / singleCpu.Min(),
            ["all_lps"] = lines.Length / all.Min(),
        }));
        return 0;
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
