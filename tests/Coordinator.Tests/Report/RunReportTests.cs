using System.Text.RegularExpressions;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Coordinator.Push;
using Orchestrator.Coordinator.Tests.Metrics;
using Orchestrator.Coordinator.Tests.Run;
using Orchestrator.Shared.Data.Synthetic;
using Orchestrator.Worker.Models;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Report;

/// <summary>
/// One real short run (tiny BERT, generated NER data, two workers, metrics endpoint on a free port, a file:// push)
/// and what is made of it: the live metrics while it trains, `orchestrator report` afterwards, and the pushed model
/// card with its curves.
/// </summary>
[Collection(TrainingRunsCollection.Name)]
public sealed partial class RunReportTests(ITestOutputHelper output)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task A_real_run_serves_metrics_while_training_and_reports_its_curves_and_entity_scores_afterwards()
    {
        using var temp = new TempDirectory();
        var model = RunTestKit.TinyModel(temp.Combine("base"), NerCorpusGenerator.Labels, ModelTask.TokenClassification);
        var data = RunTestKit.NerData(temp.Combine("data"), train: 32, validation: 12);
        var volume = temp.Combine("pushed");
        var run = temp.Combine("run");
        var options = RunTestKit.NerOptions(model, data, run, workers: 2, batchSize: 4) with
        {
            NumTrainEpochs = 2, MetricsPort = 0, PushTo = [$"file://{volume}"],
        };

        // Scrape the endpoint while the run goes on; its address is in the run's console output.
        var console = new LockedStringWriter();
        var training = Orchestrator.Coordinator.Run.RunHost.TrainAsync(options, console);
        var scrapes = new List<IReadOnlyDictionary<string, double>>();
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            while (!training.IsCompleted)
            {
                if (StatusPage().Match(console.Snapshot()) is { Success: true } address)
                {
                    try
                    {
                        scrapes.Add(LiveMonitor.ParseExposition(await http.GetStringAsync(address.Groups[1].Value + "metrics")));
                    }
                    catch (HttpRequestException)
                    {
                        // The run ended between the check and the request.
                    }
                }
                await Task.Delay(100);
            }
        }
        var code = await training;
        Assert.True(code == 0, console.Snapshot());
        output.WriteLine($"{scrapes.Count} scrapes during the run");
        Assert.True(scrapes.Count > 0, "no scrape of the endpoint succeeded during the run:\n" + console.Snapshot());
        Assert.Contains(scrapes, s => s.Any(kv => kv.Key.StartsWith("orchestrator_workers_up{", StringComparison.Ordinal) && kv.Value == 2));
        Assert.Contains(scrapes, s => s.Any(kv => kv.Key.StartsWith("orchestrator_step{", StringComparison.Ordinal) && kv.Value > 0));

        // orchestrator report RUN_DIR
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, ReportCommand.Run(run, null, stdout, stderr));
        var reportPath = Path.Combine(run, "report.html");
        var html = await File.ReadAllTextAsync(reportPath);
        output.WriteLine(stdout.ToString());

        var images = EmbeddedPng().Matches(html).Select(m => (Id: m.Groups["id"].Value, Bytes: Convert.FromBase64String(m.Groups["data"].Value))).ToList();
        Assert.Contains("loss-and-learning-rate", images.Select(i => i.Id));
        Assert.Contains("evaluation-metrics", images.Select(i => i.Id));
        Assert.All(images, image => Assert.Equal(PngSignature, image.Bytes[..8]));
        Assert.All(images, image => Assert.True(image.Bytes.Length > 10_000, $"{image.Id} is only {image.Bytes.Length} bytes"));
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        foreach (var image in images) await File.WriteAllBytesAsync(Path.Combine(artifacts, $"report-{image.Id}.png"), image.Bytes);

        // Per-entity F1 of the last evaluation, one row per type of the generated corpus.
        var table = PerEntityTable().Match(html);
        Assert.True(table.Success, "report.html has no per-entity table");
        var types = EntityRow().Matches(table.Value).Select(m => m.Groups[1].Value).ToList();
        var truth = File.ReadLines(Path.Combine(data, "validation.conll")).Select(l => l.Split(' ')[^1])
            .Where(t => t.StartsWith("B-", StringComparison.Ordinal)).Select(t => t[2..]).Distinct().ToList();
        Assert.NotEmpty(truth);
        Assert.Subset(types.ToHashSet(), truth.ToHashSet());
        Assert.Subset(new HashSet<string> { "LOC", "MISC", "ORG", "PER" }, types.ToHashSet());
        Assert.Equal(types.Order(StringComparer.Ordinal), types);
        // Both evaluations (one per epoch) are in the evaluation table.
        Assert.Equal(2, Regex.Matches(Regex.Match(html, "<table id=\"evaluations\">.*?</table>", RegexOptions.Singleline).Value, "<tr><td>").Count);
        Assert.DoesNotContain(Directory.EnumerateFiles(run), f => Path.GetFileName(f).StartsWith(".report", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal));

        // --output elsewhere
        var elsewhere = temp.Combine("out", "r.html");
        Assert.Equal(0, ReportCommand.Run(run, elsewhere, stdout, stderr));
        Assert.True(File.Exists(elsewhere));

        // The pushed final model's card links its curves, which are next to it.
        var pushedModel = Path.Combine(volume, "model");
        var card = await File.ReadAllTextAsync(Path.Combine(pushedModel, ModelCardFiles.ReadmeFileName));
        Assert.Contains($"]({ModelCardFiles.CurvesFileName})", card);
        var curves = await File.ReadAllBytesAsync(Path.Combine(pushedModel, ModelCardFiles.CurvesFileName));
        Assert.Equal(PngSignature, curves[..8]);
        await File.WriteAllBytesAsync(Path.Combine(artifacts, "model-card-training_curves.png"), curves);
    }

    [Fact]
    public void A_folder_that_is_not_a_run_is_bad_input_naming_it()
    {
        using var temp = new TempDirectory();
        var stderr = new StringWriter();

        Assert.Equal(2, ReportCommand.Run(temp.Path, null, new StringWriter(), stderr));

        Assert.Contains(temp.Path, stderr.ToString());
        Assert.Contains("run.json", stderr.ToString());
        Assert.False(File.Exists(Path.Combine(temp.Path, "report.html")));
    }

    [GeneratedRegex("Status page on \"?(http://[^ \"]+/)\"?,")]
    private static partial Regex StatusPage();

    [GeneratedRegex("<img id=\"(?<id>[^\"]+)\" alt=\"[^\"]*\" src=\"data:image/png;base64,(?<data>[A-Za-z0-9+/=]+)\">")]
    private static partial Regex EmbeddedPng();

    [GeneratedRegex("<table id=\"per-entity\">.*?</table>", RegexOptions.Singleline)]
    private static partial Regex PerEntityTable();

    [GeneratedRegex("<tr><td>([A-Z]+)</td>")]
    private static partial Regex EntityRow();

    /// <summary>A console the run writes to on its threads while the test reads it.</summary>
    private sealed class LockedStringWriter : StringWriter
    {
        private readonly object _lock = new();

        public override void Write(char value)
        {
            lock (_lock) base.Write(value);
        }

        public override void Write(string? value)
        {
            lock (_lock) base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_lock) base.Write(buffer, index, count);
        }

        public override void WriteLine(string? value)
        {
            lock (_lock) base.WriteLine(value);
        }

        public string Snapshot()
        {
            lock (_lock) return ToString();
        }
    }
}
