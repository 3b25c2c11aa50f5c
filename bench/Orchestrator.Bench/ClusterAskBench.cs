using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Coordinator.Cluster;
using Orchestrator.Shared.Cluster;
using Orchestrator.Shared.Config;
using Orchestrator.Worker;
using Serilog;

namespace Orchestrator.Bench;

/// <summary>
/// Round-trip time of a small ask between the coordinator's node and a worker process, as `orchestrator train` sets
/// them up: this process is a coordinator-role node (the run's Akka configuration: TLS with an ephemeral cluster
/// certificate, our serializer), and <see cref="LocalWorkerLauncher"/> starts one real `orchestrator worker` process
/// that joins it over loopback. Once the worker actor registers, the coordinator side asks it
/// <see cref="Identify"/> (Akka's own small request, which every actor answers with <see cref="ActorIdentity"/>)
/// one ask after another, and reports the percentiles of the measured round trips.
/// Usage: cluster-ask [asks=2000] [warm-up=200]
/// </summary>
public static class ClusterAskBench
{
    public static int Run(string[] args)
    {
        var asks = args.Length > 0 ? int.Parse(args[0]) : 2000;
        var warmUp = args.Length > 1 ? int.Parse(args[1]) : 200;
        return RunAsync(asks, warmUp).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int asks, int warmUp)
    {
        var folder = Directory.CreateTempSubdirectory("orchestrator-bench-ask-").FullName;
        using var certificate = ClusterCertificate.CreateEphemeral(Path.Combine(folder, "certificate"));
        var security = ClusterHosting.SecurityFrom(certificate);
        var registered = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka(ClusterHosting.SystemName, akka => akka
            .ConfigureNode(new ClusterNode(ClusterHosting.CoordinatorRole, "127.0.0.1", "127.0.0.1", 0), security)
            .WithActors((system, _) => system.ActorOf(Props.Create(() => new Registrations(registered)), "coordinator")));
        using var host = builder.Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var port = Akka.Cluster.Cluster.Get(system).SelfAddress.Port!.Value;

        var log = new LoggerConfiguration().WriteTo.Console().CreateLogger();
        await using var launcher = new LocalWorkerLauncher(index => LocalWorkerLauncher.WorkerArguments(port, index, folder, "bench-ask", LogFormat.Json),
            replacements: 0, log, onExit: (pid, code) => registered.TrySetException(new InvalidOperationException($"the worker process {pid} exited with code {code}")),
            new Dictionary<string, string> { [ClusterCertificate.PathVariable] = certificate.FilePath! });
        launcher.Start(1);
        var worker = await registered.Task.WaitAsync(TimeSpan.FromMinutes(2));

        var roundTrips = new double[asks];
        var watch = new Stopwatch();
        for (var i = -warmUp; i < asks; i++)
        {
            watch.Restart();
            await worker.Ask<ActorIdentity>(new Identify(i), TimeSpan.FromSeconds(10));
            if (i >= 0) roundTrips[i] = watch.Elapsed.TotalMilliseconds;
        }
        worker.Tell(new StopWorker("the benchmark is done"));
        launcher.RunEnded();
        await WorkerDeparture.WaitForWorkersToLeaveAsync(system, TimeSpan.FromSeconds(10));

        Array.Sort(roundTrips);
        double Percentile(double p) => roundTrips[Math.Min(asks - 1, (int)Math.Ceiling(p * asks) - 1)];
        Console.WriteLine($"{asks} asks (after {warmUp} warm-up) of Identify from the coordinator's node to a worker process, TLS on loopback");
        Console.WriteLine($"round trip p50 {Percentile(0.50):0.000} ms, p90 {Percentile(0.90):0.000} ms, p99 {Percentile(0.99):0.000} ms, " +
                          $"min {roundTrips[0]:0.000} ms, max {roundTrips[^1]:0.000} ms");
        await host.StopAsync();
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    /// <summary>Stands where the coordinator actor stands: the worker actor registers there (and retries every 2 s, unanswered).</summary>
    private sealed class Registrations : ReceiveActor
    {
        public Registrations(TaskCompletionSource<IActorRef> registered) =>
            Receive<RegisterWorker>(_ => registered.TrySetResult(Sender));
    }
}
