using Orchestrator.Shared.Config;
using Serilog;

namespace Orchestrator.Coordinator.Metrics;

/// <summary>
/// Live watching of one run: its metrics, status and the HTTP server that serves them, started when
/// <see cref="TrainOptions.MetricsPort"/> is set. The coordinator feeds <see cref="Observer"/>.
/// </summary>
public sealed class RunMonitor : IAsyncDisposable
{
    private RunMonitor(MetricsRunObserver observer, MetricsServer server)
    {
        Observer = observer;
        Server = server;
    }

    public MetricsRunObserver Observer { get; }

    public MetricsServer Server { get; }

    /// <summary>Null when the options ask for no metrics endpoint. Throws <see cref="IOException"/> when the port cannot be bound.</summary>
    public static async Task<RunMonitor?> StartAsync(TrainOptions options, string runId, TrainingPlan plan, ILogger logger, CancellationToken cancellationToken = default)
    {
        if (options.MetricsPort is not { } port) return null;
        var metrics = new RunMetrics(runId, plan.TotalSteps, plan.WorldSize);
        var status = new RunStatus(runId, options.ResolvedRunName(), plan.TotalSteps, plan.StepsPerEpoch, plan.Epochs, plan.WorldSize);
        var server = await MetricsServer.StartAsync(options.MetricsHost, port, metrics, status, cancellationToken);
        logger.Information("Status page on {StatusPage}, Prometheus metrics on {MetricsEndpoint}", server.Address.ToString(), new Uri(server.Address, "metrics").ToString());
        return new RunMonitor(new MetricsRunObserver(metrics, status), server);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
