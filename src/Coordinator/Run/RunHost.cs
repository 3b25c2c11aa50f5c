using Orchestrator.Coordinator.ConsoleView;
using Orchestrator.Coordinator.Logging;
using Orchestrator.Coordinator.Metrics;
using Orchestrator.Coordinator.Push;
using Akka.Actor;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Coordinator.Cluster;
using Orchestrator.Worker;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Cluster;
using Orchestrator.Shared.Config;
using Orchestrator.Torch;
using Serilog;
using Spectre.Console;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// Runs the coordinator of `orchestrator train` (and `orchestrator coordinator`) in this process: checks every input
/// before writing anything, opens (or resumes) the run folder, starts logging, the pusher and the actor system
/// (Akka.Hosting), starts the local worker processes if asked, then waits for the coordinator's outcome. Exit codes: 0 done, 2 bad input (nothing written), 1 failed after starting.
/// </summary>
public static class RunHost
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    /// <summary>How long the coordinator waits for its workers to leave the cluster after the run (a leave takes 1-3 s).</summary>
    private static readonly TimeSpan WorkerLeaveTimeout = TimeSpan.FromSeconds(10);

    /// <param name="pushRetry">Retries of background pushes; default <see cref="PushRetryOptions"/> (tests pass short delays).</param>
    /// <param name="placement">Where the workers run; default: local worker processes (as `orchestrator train`).</param>
    public static async Task<int> TrainAsync(TrainOptions options, TextWriter? consoleWriter = null, CancellationToken cancellationToken = default,
        PushRetryOptions? pushRetry = null, WorkerPlacement? placement = null)
    {
        placement ??= WorkerPlacement.LocalProcesses();
        var console = consoleWriter ?? Console.Out;
        var bootstrap = new LoggerConfiguration().WriteTo.Sink(new TextWriterSink(
            new Serilog.Formatting.Display.MessageTemplateTextFormatter(RunLogging.ConsoleTemplate, System.Globalization.CultureInfo.InvariantCulture),
            console)).CreateLogger();
        PreparedRun prepared;
        RunFolderState folder;
        LatestCheckpoint latest;
        IReadOnlyList<string> leftovers;
        try
        {
            prepared = PreparedRun.Prepare(options, bootstrap);
            // Before anything in an existing folder is touched (even leftovers of interrupted writes): it must be this run's.
            RunFolder.CheckConfiguration(options);
            (latest, leftovers) = FindResumePoint(options, prepared);
            folder = RunFolder.Open(options);
            leftovers = [.. leftovers, .. RemoveUnfinishedFinalModels(folder.Directory)];
        }
        // InvalidDataException: a damaged run.json (its message names the file and line).
        catch (Exception error) when (error is RunInputException or RunConfigurationMismatchException or OptionsValidationException or InvalidDataException)
        {
            console.WriteLine($"error: {error.Message}");
            return BadInput;
        }

        using var logging = RunLogging.Create(new LoggingOptions
        {
            Role = "coordinator", RunId = folder.RunId, RunDirectory = folder.Directory, Format = options.LogFormat, ConsoleWriter = consoleWriter,
        });
        var logger = logging.Logger;
        foreach (var leftover in leftovers)
            logger.Information("Removed leftover {Temporary} of an interrupted write", leftover);
        foreach (var damaged in latest.Skipped)
            logger.Warning("Skipping damaged checkpoint {Checkpoint}: {Reason}", damaged.Name, damaged.Reason);
        if (latest.Checkpoint is { } resume)
            logger.Information("Resuming {RunDirectory} from {Checkpoint} at step {Step}", folder.Directory, resume.Name, resume.State.GlobalStep);

        var ansi = consoleWriter is null ? AnsiConsole.Console : AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(consoleWriter), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        await using var view = consoleWriter is null
            ? TrainingProgressView.ForConsole(options.LogFormat, prepared.Plan.Epochs, logging.ConsoleLevel)
            : new TrainingProgressView(ansi, prepared.Plan.Epochs, enabled: false);
        RunMonitor? monitor;
        try
        {
            monitor = await RunMonitor.StartAsync(options, folder.RunId, prepared.Plan, logger, cancellationToken);
        }
        catch (IOException error)
        {
            logger.Error("metrics_port: cannot listen on {MetricsHost}:{MetricsPort}: {Error}", options.MetricsHost, options.MetricsPort, error.Message);
            return BadInput;
        }
        await using var monitorScope = monitor;
        IRunObserver consoleObserver = new ConsoleRunObserver(view, ansi, options.LogFormat == LogFormat.Text);
        var observer = monitor is null ? consoleObserver : new CompositeRunObserver(consoleObserver, monitor.Observer);
        var pusher = new ArtifactPusher(PushDestinations.CreateAll(options.PushTo, folder.Directory), logger, pushRetry,
            onBacklogChanged: backlog => observer.OnPushesChanged(backlog.Pending, backlog.Failed));
        var checkpoints = new CheckpointStore(Path.Combine(folder.Directory, "checkpoints"), logger);

        Log.Logger = logger;  // Akka's own events go through Akka.Logger.Serilog, which writes to Serilog's static logger
        var completion = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = new RunContext(prepared, folder, logger, checkpoints, pusher, observer, latest.Checkpoint)
        {
            StoreHost = placement.StoreHost,
            WorkerJoinTimeout = placement.JoinTimeout,
        };
        // Local worker processes join over mutual TLS too, pinned to an ephemeral certificate in a folder only this
        // user can read (docs/cluster-security.md); the file goes when the run does.
        var ephemeralCertificate = placement.Kind == WorkerPlacementKind.LocalProcesses && placement.Security is null
            ? ClusterCertificate.CreateEphemeral(Directory.CreateTempSubdirectory("orchestrator-cluster-").FullName)
            : null;
        if (ephemeralCertificate is not null) placement = placement with { Security = ClusterHosting.SecurityFrom(ephemeralCertificate) };
        IActorRef? coordinator = null;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka(ClusterHosting.SystemName, akka =>
        {
            if (placement.Kind == WorkerPlacementKind.InProcess)
                akka.ConfigureLoggers(ClusterHosting.AkkaLogging);
            else
                akka.ConfigureNode(new ClusterNode(ClusterHosting.CoordinatorRole, placement.BindHost, placement.StoreHost, placement.Port,
                    PublicPort: placement.PublicPort), placement.Security);
            akka.WithActors((system, registry) =>
            {
                coordinator = system.ActorOf(Props.Create(() => new CoordinatorActor(context, completion)), "coordinator");
                registry.Register<CoordinatorActor>(coordinator);
                if (placement.Kind == WorkerPlacementKind.InProcess)
                {
                    // Test-only: the worker actors in this actor system, sharing the coordinator's encoded data.
                    var local = prepared.ForWorker();
                    for (var rank = 0; rank < options.Workers; rank++)
                        system.ActorOf(Props.Create(() => new WorkerActor(logger.ForContext("Role", "worker"), _ => local,
                            system.ActorSelection("/user/coordinator"), "cpu", "127.0.0.1")), $"worker-{rank}");
                }
                else
                {
                    system.ActorOf(Props.Create(() => new WorkerDowner(logger)), "worker-downer");
                }
            });
        });
        using var host = builder.Build();
        await host.StartAsync(CancellationToken.None);
        var system = host.Services.GetRequiredService<ActorSystem>();

        LocalWorkerLauncher? launcher = null;
        if (placement.Kind == WorkerPlacementKind.LocalProcesses)
        {
            var port = Akka.Cluster.Cluster.Get(system).SelfAddress.Port ?? throw new InvalidOperationException("the coordinator has no port");
            launcher = new LocalWorkerLauncher(index => LocalWorkerLauncher.WorkerArguments(port, index, folder.Directory, folder.RunId, options.LogFormat),
                options.MaxFailures, logger, (pid, code) => coordinator?.Tell(new WorkerProcessExited(pid, code)),
                ephemeralCertificate is null ? null : new Dictionary<string, string> { [ClusterCertificate.PathVariable] = ephemeralCertificate.FilePath! });
            launcher.Start(options.Workers);
        }
        else if (placement.Kind == WorkerPlacementKind.Cluster)
        {
            logger.Information("Coordinator listening at {Address}: start workers with `orchestrator worker --coordinator {Host}:{Port}`",
                Akka.Cluster.Cluster.Get(system).SelfAddress, placement.StoreHost, Akka.Cluster.Cluster.Get(system).SelfAddress.Port);
        }

        try
        {
            var outcome = await completion.Task.WaitAsync(cancellationToken);
            logger.Information("Run {RunId} done at step {Step}: final model in {FinalModel}", folder.RunId, outcome.GlobalStep, outcome.FinalModelDirectory);
            observer.OnRunEnded(succeeded: true, error: null);
            return Succeeded;
        }
        catch (Exception error) when (error is RunFailedException or InvalidOperationException)
        {
            logger.Error("Run {RunId} failed: {Error}. Start the same command again to resume from the last checkpoint.", folder.RunId, error.Message);
            await pusher.CompleteAsync(CancellationToken.None);
            observer.OnRunEnded(succeeded: false, error.Message);
            return Failed;
        }
        finally
        {
            // Workers were told to stop: each leaves the cluster gracefully, and the coordinator stays up until they
            // are gone (bounded), so none sees its coordinator vanish while leaving. Then their processes exit on
            // their own (or are killed after the grace).
            launcher?.RunEnded();
            if (placement.Kind != WorkerPlacementKind.InProcess)
            {
                var stillMembers = await WorkerDeparture.WaitForWorkersToLeaveAsync(system, WorkerLeaveTimeout);
                if (stillMembers > 0)
                    logger.Warning("{Workers} worker node(s) had not left the cluster {Seconds:F0} s after the run ended; stopping anyway",
                        stillMembers, WorkerLeaveTimeout.TotalSeconds);
            }
            if (launcher is not null) await launcher.DisposeAsync();
            if (ephemeralCertificate is not null)
            {
                ephemeralCertificate.Dispose();
                Directory.Delete(Path.GetDirectoryName(ephemeralCertificate.FilePath!)!, recursive: true);
            }
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await host.StopAsync(shutdown.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The newest complete checkpoint of the run folder (damaged ones skipped), checked against this run.</summary>
    private static (LatestCheckpoint, IReadOnlyList<string> Removed) FindResumePoint(TrainOptions options, PreparedRun prepared)
    {
        var directory = Path.Combine(options.ResolvedOutputDir(), "checkpoints");
        if (!Directory.Exists(directory)) return (new LatestCheckpoint(null, []), []);
        var store = new CheckpointStore(directory);
        var removed = store.RemoveTemporaryFolders();
        var latest = store.FindLatest();
        if (latest.Checkpoint is { } checkpoint && checkpoint.State.WorldSize != options.Workers)
            throw new RunInputException(
                $"{checkpoint.FullPath} was written by {checkpoint.State.WorldSize} workers; resume with --workers {checkpoint.State.WorldSize} " +
                "(an exact resume replays the same shards and random streams)");
        return (latest, removed);
    }

    /// <summary>A kill during the final save leaves a temporary model folder behind; nothing else would ever remove it.</summary>
    private static IReadOnlyList<string> RemoveUnfinishedFinalModels(string runDirectory)
    {
        var removed = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories(runDirectory, RunContext.UnfinishedModelPrefix + "*"))
        {
            Directory.Delete(folder, recursive: true);
            removed.Add(Path.GetFileName(folder));
        }
        return removed;
    }
}
