using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Coordinator.Logging;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Config;
using Orchestrator.Worker;
using Serilog;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>What `orchestrator worker` was told.</summary>
/// <param name="LogDirectory">Run folder to log into (local workers: logs/worker-&lt;index&gt;.jsonl); null logs JSON lines to stdout.</param>
public sealed record WorkerProcessSettings(
    string CoordinatorHost, int CoordinatorPort, IReadOnlyList<string> Devices, string PublicHost, int Port,
    int? ParentProcessId, string? LogDirectory, int ProcessIndex, LogFormat LogFormat, string? RunId,
    ClusterHosting.TransportSecurity? Security = null, int? PublicPort = null);

/// <summary>
/// `orchestrator worker`: joins the coordinator's cluster with role worker and runs one worker actor per device
/// until the run is over or the coordinator is gone. Exit codes: 0 the run ended, 1 the coordinator was lost (or
/// could not be reached), 2 bad arguments.
/// </summary>
public static class WorkerProcess
{
    public static async Task<int> RunAsync(WorkerProcessSettings settings)
    {
        if (settings.ParentProcessId is { } parent && !ParentDeath.FollowParent(parent))
            return 1;  // the launching coordinator is already gone

        using var logging = RunLogging.Create(new LoggingOptions
        {
            Role = "worker",
            Rank = settings.ProcessIndex,
            RunId = settings.RunId,
            RunDirectory = settings.LogDirectory,
            WriteToConsole = settings.LogDirectory is null,
            Format = settings.LogDirectory is null ? LogFormat.Json : settings.LogFormat,
        });
        var logger = logging.Logger.ForContext("ProcessId", Environment.ProcessId);
        Log.Logger = logger;  // Akka's own events (Akka.Logger.Serilog) land in the same JSON lines
        logger.Information("Worker process {ProcessId} joining the coordinator at {Host}:{Port} with devices {Devices}",
            Environment.ProcessId, settings.CoordinatorHost, settings.CoordinatorPort, string.Join(",", settings.Devices));

        var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        WorkerDataLoader loadData = request =>
        {
            var options = TrainOptionsJson.Read(request.OptionsJson);
            return PreparedRun.Prepare(options, logger.ForContext("RunId", request.RunId)).ForWorker();
        };
        var coordinatorAddress = $"{ClusterHosting.AddressScheme(settings.Security)}://{ClusterHosting.SystemName}@{settings.CoordinatorHost}:{settings.CoordinatorPort}";
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka(ClusterHosting.SystemName, akka => akka
            .ConfigureNode(new ClusterNode(ClusterHosting.WorkerRole, settings.PublicHost == "127.0.0.1" ? "127.0.0.1" : "0.0.0.0", settings.PublicHost, settings.Port,
                settings.CoordinatorHost, settings.CoordinatorPort, settings.PublicPort), settings.Security)
            .WithActors((system, registry) =>
            {
                var guard = system.ActorOf(Props.Create(() => new WorkerProcessGuard(settings.Devices, loadData, coordinatorAddress, settings.PublicHost, logger, exit)),
                    "worker-guard");
                registry.Register<WorkerProcessGuard>(guard);
            }));
        using var host = builder.Build();
        await host.StartAsync();
        var code = await exit.Task;
        // Leaving the cluster politely is worth a few seconds, not more: the run's state is in the run folder.
        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        try
        {
            await host.StopAsync(shutdown.Token);
        }
        catch (OperationCanceledException)
        {
        }
        return code;
    }
}
