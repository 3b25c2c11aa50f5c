using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Coordinator.Metrics;
using Orchestrator.Shared.Metrics;
using Orchestrator.Worker;

namespace Orchestrator.Coordinator.Tests.Metrics;

/// <summary>A metrics server on a free loopback port with its observer, and helpers to read what it serves.</summary>
internal sealed partial class LiveMonitor : IAsyncDisposable
{
    public const int TotalSteps = 24;
    public const int StepsPerEpoch = 8;

    private LiveMonitor(MetricsRunObserver observer, MetricsServer server)
    {
        Observer = observer;
        Server = server;
    }

    public MetricsRunObserver Observer { get; }

    public MetricsServer Server { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<LiveMonitor> StartAsync(string runId = "run-1")
    {
        var metrics = new RunMetrics(runId, TotalSteps, workers: 2);
        var status = new RunStatus(runId, "tiny-ner", TotalSteps, StepsPerEpoch, epochs: 3, workers: 2);
        var server = await MetricsServer.StartAsync("127.0.0.1", 0, metrics, status);
        return new LiveMonitor(new MetricsRunObserver(metrics, status), server);
    }

    /// <summary>Logged steps <paramref name="from"/>..<paramref name="to"/> of a falling loss and a decaying learning rate.</summary>
    public void Steps(int from, int to)
    {
        for (var step = from; step <= to; step++)
            Observer.OnProgress(new TrainProgress(0, (step - 1) / StepsPerEpoch, step, Loss(step), LearningRate(step), 0.5, 100 + step), TotalSteps);
    }

    public static double Loss(int step) => 2.0 / (1 + 0.3 * step);

    public static double LearningRate(int step) => 2e-3 * (1 - (double)step / TotalSteps);

    /// <summary>An evaluation at the end of <paramref name="epoch"/> (1-based) whose scores rise with the epoch.</summary>
    public void Evaluation(int epoch)
    {
        var f1 = 0.3 + 0.2 * epoch;
        var perType = new Dictionary<string, EntityTypeScore>
        {
            ["LOC"] = new(f1, f1, f1, 12),
            ["PER"] = new(f1 + 0.05, f1 + 0.05, f1 + 0.05, 20),
        };
        Observer.OnEvaluation(epoch, epoch * StepsPerEpoch,
            new Dictionary<string, double> { ["loss"] = 1.0 / epoch, ["precision"] = f1, ["recall"] = f1, ["f1"] = f1, ["accuracy"] = 0.5 + 0.1 * epoch },
            new SeqevalResult(perType, f1, f1, f1, 0.5 + 0.1 * epoch));
    }

    public async Task<IReadOnlyDictionary<string, double>> ScrapeAsync()
    {
        var text = await Http.GetStringAsync(new Uri(Server.Address, "metrics"));
        return ParseExposition(text);
    }

    /// <summary>Prometheus text format: "name{labels} value" per sample (comments skipped); keys list the labels sorted by name.</summary>
    public static IReadOnlyDictionary<string, double> ParseExposition(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var match = Sample().Match(line);
            Assert.True(match.Success, $"not an exposition line: {line}");
            var labels = match.Groups["labels"].Success
                ? "{" + string.Join(",", match.Groups["labels"].Value.Split(',').Order(StringComparer.Ordinal)) + "}"
                : "";
            samples[match.Groups["name"].Value + labels] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$")]
    private static partial Regex Sample();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
