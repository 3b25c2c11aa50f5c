using System.Globalization;
using System.Text;
using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Data;

/// <summary>Statistics of one split as the model will see it.</summary>
public sealed record DataInspection(
    int Examples,
    long Words,
    long Tokens,
    IReadOnlyDictionary<string, long> LabelCounts,
    IReadOnlyDictionary<int, int> LengthPercentiles,
    int MaxLength,
    int TruncatedExamples,
    int LostWords,
    ReadReport Report);

/// <summary>
/// What `orchestrator data inspect` prints: the first examples as words over tags, then sub-tokens over
/// aligned labels (`-100` shown as `·`), then statistics of the whole split. Length percentiles are in
/// tokens (with specials), nearest-rank.
/// </summary>
public static class DataInspector
{
    public static readonly int[] Percentiles = { 50, 90, 95, 99 };

    public static DataInspection Inspect(TaskDataset dataset, ITokenizer tokenizer, Split split, int limit, bool firstSubtokenOnly,
        int? maxLength, TextWriter output)
    {
        var labelSet = dataset.Labels ?? throw new DataFormatException(dataset.Folder.Root, 0, "task",
            "data inspect shows token and classification labels; sequence-to-sequence data has none (see `orchestrator tokenize` for its encoding)");
        var report = new ReadReport();
        var encoder = new DatasetEncoder(tokenizer, maxLength);
        var labels = new Dictionary<string, long>(StringComparer.Ordinal);
        long words = 0;
        EncodedExample[] encoded;
        output.WriteLine($"{dataset.Folder.Require(split)} ({split.ToString().ToLowerInvariant()}), labels from {dataset.LabelSource}: {dataset.Labels}");
        output.WriteLine();
        if (dataset.Options.IsTokenTask)
        {
            var examples = dataset.ReadTokens(split, report).ToList();
            var aligner = new LabelAligner(labelSet, firstSubtokenOnly);
            encoded = encoder.EncodeTokens(examples, aligner);
            foreach (var example in examples)
            {
                words += example.Words.Count;
                foreach (var tag in example.Tags)
                    labels[tag] = labels.GetValueOrDefault(tag) + 1;
            }
            for (int i = 0; i < Math.Min(limit, examples.Count); i++)
            {
                var tokens = tokenizer.EncodeWords(examples[i].Words, maxLength).Tokens;
                output.WriteLine($"#{i} {examples[i].Source}");
                WriteAligned(output, examples[i].Words, examples[i].Tags);
                WriteAligned(output, tokens, encoded[i].Labels.Select(l => l == LabelAligner.IgnoreIndex ? "·" : labelSet[l]).ToArray());
                if (encoded[i].LostWords > 0)
                    output.WriteLine($"  ({encoded[i].LostWords} words lost to truncation)");
                output.WriteLine();
            }
        }
        else
        {
            var examples = dataset.ReadClassification(split, report).ToList();
            encoded = encoder.EncodeClassification(examples, labelSet);
            foreach (var example in examples)
            {
                words += VocabularyBuilder.PreTokenize(example.Text).Count() + (example.Pair is null ? 0 : VocabularyBuilder.PreTokenize(example.Pair).Count());
                labels[example.Label] = labels.GetValueOrDefault(example.Label) + 1;
            }
            for (int i = 0; i < Math.Min(limit, examples.Count); i++)
            {
                var e = examples[i];
                output.WriteLine($"#{i} {e.Source}  label {e.Label} (id {encoded[i].Labels[0]})");
                output.WriteLine($"  text: {e.Text}");
                if (e.Pair is not null)
                    output.WriteLine($"  pair: {e.Pair}");
                output.WriteLine($"  tokens: {string.Join(' ', tokenizer.Encode(e.Text, e.Pair, maxLength).Tokens)}");
                output.WriteLine();
            }
        }

        var stats = encoder.Stats(encoded);
        var lengths = encoded.Select(e => e.Length).OrderBy(l => l).ToArray();
        var percentiles = Percentiles.ToDictionary(p => p, p => lengths.Length == 0 ? 0 : lengths[Math.Max(0, (int)Math.Ceiling(p / 100.0 * lengths.Length) - 1)]);
        var ordered = labelSet.Names.Where(labels.ContainsKey).ToDictionary(n => n, n => labels[n]);
        var inspection = new DataInspection(encoded.Length, words, stats.Tokens, ordered, percentiles,
            lengths.Length == 0 ? 0 : lengths[^1], stats.TruncatedExamples, stats.LostWords, report);
        WriteStatistics(output, inspection, dataset.Options.IsTokenTask);
        return inspection;
    }

    private static void WriteAligned(TextWriter output, IReadOnlyList<string> top, IReadOnlyList<string> bottom)
    {
        var first = new StringBuilder("  ");
        var second = new StringBuilder("  ");
        for (int i = 0; i < top.Count; i++)
        {
            int width = Math.Max(top[i].Length, i < bottom.Count ? bottom[i].Length : 0);
            first.Append(top[i].PadRight(width + 1));
            second.Append((i < bottom.Count ? bottom[i] : "").PadRight(width + 1));
        }
        output.WriteLine(first.ToString().TrimEnd());
        output.WriteLine(second.ToString().TrimEnd());
    }

    private static void WriteStatistics(TextWriter output, DataInspection s, bool tokenTask)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"{(tokenTask ? "sentences" : "examples")}: {s.Examples}, words: {s.Words}, tokens: {s.Tokens}"));
        output.WriteLine(string.Create(c, $"{(tokenTask ? "word labels" : "labels")}: {string.Join(", ", s.LabelCounts.Select(p => $"{p.Key} {p.Value}"))}"));
        output.WriteLine(string.Create(c, $"length in tokens: {string.Join(", ", s.LengthPercentiles.Select(p => $"p{p.Key} {p.Value}"))}, max {s.MaxLength}"));
        output.WriteLine(string.Create(c, $"truncated: {s.TruncatedExamples} examples, {s.LostWords} words lost"));
        if (s.Report.Skipped > 0)
        {
            output.WriteLine(string.Create(c, $"skipped bad records: {s.Report.Skipped}"));
            foreach (var warning in s.Report.FirstWarnings)
                output.WriteLine($"  {warning}");
        }
    }
}
