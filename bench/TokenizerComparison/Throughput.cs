using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Shared.Text;

namespace TokenizerComparison;

/// <summary>
/// Words per second on one thread, line by line with special tokens, ours and Microsoft.ML.Tokenizers' BertTokenizer on
/// the same corpus and vocabulary, alternating rounds and keeping each side's best (the least disturbed by other load).
/// Also counts the lines on which the two give different ids.
/// </summary>
public static class Throughput
{
    public static int Run(string[] args)
    {
        var dir = args[0];
        int repeats = args.Length > 1 ? int.Parse(args[1]) : 5;
        var ours = Orchestrator.Shared.Text.BertTokenizer.FromTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        var lowercase = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer_config.json"))).RootElement
            .TryGetProperty("do_lower_case", out var lower) && lower.GetBoolean();
        var theirs = MlTokenizer.Load(dir, lowercase);
        var lines = File.ReadAllLines(Path.Combine(dir, "corpus.txt")).Where(l => l.Length > 0).ToArray();
        long words = lines.Sum(l => (long)l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);

        int differing = lines.Count(l => !ours.Encode(l).InputIds.SequenceEqual(theirs.EncodeToIds(l)));
        double bestOurs = double.MaxValue, bestTheirs = double.MaxValue;
        long oursTokens = 0, theirTokens = 0;
        for (int r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            oursTokens = 0;
            foreach (var line in lines) oursTokens += ours.Encode(line).Length;
            bestOurs = Math.Min(bestOurs, watch.Elapsed.TotalSeconds);
            watch.Restart();
            theirTokens = 0;
            foreach (var line in lines) theirTokens += theirs.EncodeToIds(line).Count;
            bestTheirs = Math.Min(bestTheirs, watch.Elapsed.TotalSeconds);
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["lines"] = lines.Length, ["words"] = words, ["ours_tokens"] = oursTokens, ["mltokenizers_tokens"] = theirTokens,
            ["lines_with_different_ids"] = differing,
            ["ours_single_wps"] = words / bestOurs, ["mltokenizers_single_wps"] = words / bestTheirs,
        }));
        return 0;
    }
}
