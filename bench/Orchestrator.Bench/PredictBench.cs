using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Pipelines;

namespace Orchestrator.Bench;

/// <summary>
/// `orchestrator predict`'s pipelines vs the PyTorch reference pipelines (tests/parity/pipeline_reference.py `bench`):
/// texts per second on the same model, the same synthetic texts and the same threads, in one run. Both sides are
/// timed from text to entities (tokenizing, batching with dynamic padding, the forward pass, softmax and aggregation),
/// after a warm-up pass, as the minimum of the repeats. Model loading and process start are not timed.
/// Options: --texts 256 --batches 1,32 --repeats 3 --size mini --kind token|sequence --strategy simple.
/// </summary>
public static class PredictBench
{
    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
        int count = int.Parse(options.GetValueOrDefault("texts", "256"), CultureInfo.InvariantCulture);
        var batches = options.GetValueOrDefault("batches", "1,32").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        int repeats = int.Parse(options.GetValueOrDefault("repeats", "3"), CultureInfo.InvariantCulture);
        var size = options.GetValueOrDefault("size", "mini");
        var kind = options.GetValueOrDefault("kind", "token");
        var strategy = AggregationStrategies.Parse(options.GetValueOrDefault("strategy", "simple")) ?? throw new ArgumentException("--strategy");
        foreach (var variable in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS" })
            if (Environment.GetEnvironmentVariable(variable) is null)
                Console.Error.WriteLine($"warning: {variable} is not set; run bench/predict.sh so both sides use the same threads");
        int threads = int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), out var n) && n > 0 ? n : Environment.ProcessorCount;
        Orchestrator.Torch.ComputeThreads.Use(threads);

        var folder = Path.Combine(Path.GetTempPath(), "orc-predict-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Python("make", Path.Combine(folder, "model"), kind, "11", size);
            var texts = Texts(count);
            var inputs = Path.Combine(folder, "inputs.jsonl");
            File.WriteAllLines(inputs, texts.Select(t => JsonSerializer.Serialize(new { text = t })));
            using var model = PredictionModel.Load(Path.Combine(folder, "model"));
            Console.WriteLine($"predict, bert-{size} {kind} classification ({(kind == "token" ? strategy.Name() + " aggregation, " : "")}{count} texts, " +
                $"{texts.Average(t => model.Tokenizer.Encode(t).Length):F0} tokens on average), minimum of {repeats} after a warm-up, " +
                $"OMP_NUM_THREADS={Environment.GetEnvironmentVariable("OMP_NUM_THREADS")} OPENBLAS_NUM_THREADS={Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS")}");
            Console.WriteLine($"{"batch",5} {"ours texts/s",13} {"pytorch texts/s",16} {"ours/pytorch",13} {"pytorch model-only texts/s",27} {"ours/that",10}");
            foreach (var batch in batches)
            {
                Action once = kind == "token"
                    ? () => model.TokenClassification(null).Predict(texts, strategy, batch)
                    : () => model.TextClassification().Predict(texts.Select(t => (t, (string?)null)).ToList(), null, batch);
                once();
                double best = double.MaxValue;
                for (int r = 0; r < repeats; r++)
                {
                    var watch = Stopwatch.StartNew();
                    once();
                    best = Math.Min(best, watch.Elapsed.TotalSeconds);
                }
                double ours = count / best;
                var reference = JsonDocument.Parse(Python("bench", Path.Combine(folder, "model"), inputs, strategy.Name(),
                    batch.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture))).RootElement;
                double theirs = reference.GetProperty("texts_per_second").GetDouble();
                double modelOnly = reference.GetProperty("model_texts_per_second").GetDouble();
                Console.WriteLine($"{batch,5} {ours,13:F1} {theirs,16:F1} {ours / theirs,13:F2} {modelOnly,27:F1} {ours / modelOnly,10:F2}");
            }
            Console.WriteLine("(pytorch: the whole reference pipeline, its WordPiece tokenizer in pure Python; model-only: its forward passes alone, " +
                "the ceiling of any PyTorch pipeline on these batches, Hugging Face's Rust tokenizer included)");
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Synthetic sentences of the reference vocabulary's words: 1 to 3 clauses, 10 to 40 tokens.</summary>
    private static List<string> Texts(int count)
    {
        string[] people = ["John Smith", "Anna Maria", "Angela Merkel", "Mikhail Gorbachev", "Émile Zola"];
        string[] places = ["Zürich", "Genève", "Paris", "Berlin", "Tokyo", "Reykjavík", "東京"];
        string[] clauses = ["{0} visited {1} last week", "{0} lives in {1}", "{0} works near {1} for Sony Corp.", "great news from {1}", "{0} met {0} in {1}"];
        var random = new Random(1);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var parts = Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
                string.Format(CultureInfo.InvariantCulture, clauses[random.Next(clauses.Length)], people[random.Next(people.Length)], places[random.Next(places.Length)]));
            return string.Join(", and ", parts) + ".";
        }).ToList();
    }

    private static string Python(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tests", "parity", "pipeline_reference.py"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"pipeline_reference.py {string.Join(" ", arguments)} failed: {stderr.Result}");
        return stdout;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
    }
}
