using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Remote.Hosting;
using Orchestrator.Shared.Cluster;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>Where this node listens and which node it joins.</summary>
/// <param name="Role"><see cref="ClusterHosting.CoordinatorRole"/> or <see cref="ClusterHosting.WorkerRole"/>.</param>
/// <param name="BindHost">The interface to listen on (0.0.0.0 in a pod, 127.0.0.1 for local workers).</param>
/// <param name="PublicHost">The name other nodes reach this one by (a pod's DNS name, 127.0.0.1 locally).</param>
/// <param name="Port">0 picks a free port (local workers, tests).</param>
/// <param name="SeedHost">The coordinator's host; null for the coordinator itself (it seeds the cluster).</param>
/// <param name="PublicPort">The port other nodes reach this one by when it is not <paramref name="Port"/> (a port mapping or a
/// proxy in front of it); null: <paramref name="Port"/>. Akka drops messages sent to any other address of a node, so every
/// peer must use this one.</param>
public sealed record ClusterNode(string Role, string BindHost, string PublicHost, int Port, string? SeedHost = null, int SeedPort = 0,
    int? PublicPort = null);

/// <summary>
/// The whole Akka.NET configuration of both roles, in code, at the program's edge: remoting, cluster membership,
/// our serializer, Serilog for Akka's own events. Everything the measurements in docs/actors.md decided lives here.
/// </summary>
public static class ClusterHosting
{
    public const string SystemName = "orchestrator";
    public const string CoordinatorRole = "coordinator";
    public const string WorkerRole = "worker";

    /// <summary>
    /// Akka.Remote drops a larger message with only a log line. 4 MiB holds any of our messages but gathered
    /// predictions and big shards, which go in <see cref="MessageChunks.ChunkBytes"/> chunks.
    /// </summary>
    public const long MaximumFrameSize = 4L * 1024 * 1024;

    /// <summary>
    /// Where Akka.Remote's TLS is switched on: the cluster-certificate extension (mutual TLS, pinned thumbprint)
    /// plugs in here for both roles. Null: plain TCP (loopback runs and tests).
    /// </summary>
    public delegate void TransportSecurity(RemoteOptions remote);

    /// <summary>Mutual TLS pinned to the cluster certificate (docs/cluster-security.md); null without a certificate.</summary>
    public static TransportSecurity? SecurityFrom(Orchestrator.Shared.Cluster.ClusterCertificate? certificate) =>
        certificate is null ? null : remote => Orchestrator.Shared.Cluster.ClusterTls.UseClusterTls(remote, certificate);

    /// <summary>The address scheme of a node: akka.ssl.tcp once TLS is on, akka.tcp on plain TCP.</summary>
    public static string AddressScheme(TransportSecurity? security) =>
        security is null ? "akka.tcp" : Orchestrator.Shared.Cluster.ClusterTls.Protocol;

    /// <summary>Akka's own events through Serilog (the run's JSON lines, with RunId, Role and Rank), warnings and up.</summary>
    public static void AkkaLogging(LoggerConfigBuilder loggers)
    {
        loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
        loggers.ClearLoggers();
        loggers.AddSerilogLogging();
    }

    public static AkkaConfigurationBuilder ConfigureNode(this AkkaConfigurationBuilder builder, ClusterNode node, TransportSecurity? security = null)
    {
        var remote = new RemoteOptions
        {
            HostName = node.BindHost,
            PublicHostName = node.PublicHost,
            Port = node.Port,
            PublicPort = node.PublicPort,
            MaxFrameSize = MaximumFrameSize,
            SendBufferSize = 2 * MaximumFrameSize,
            ReceiveBufferSize = 2 * MaximumFrameSize,
        };
        security?.Invoke(remote);
        var seed = node.SeedHost is null ? null : $"{AddressScheme(security)}://{SystemName}@{node.SeedHost}:{node.SeedPort}";
        // A planned end of a connection (a member that left, or this node leaving) is not logged as a failure.
        var departures = new PlannedDepartures();
        return builder
            .ConfigureLoggers(loggers =>
            {
                AkkaLogging(loggers);
                loggers.WithLogFilter(filters => filters.Add(new ExpectedDisassociationFilter(departures)));
            })
            .WithRemoting(remote)
            .WithClustering(new ClusterOptions
            {
                Roles = [node.Role],
                SeedNodes = seed is null ? [] : [seed],
                // keep-oldest: the coordinator starts first, so it is the oldest member and always the side that survives
                // (the default keep-majority downed the coordinator itself in a two-node cluster when its worker died).
                SplitBrainResolver = new KeepOldestOption { DownIfAlone = false },
                // A killed node is unreachable ~pause + 1 s after its last heartbeat. 6 s (default 3 s) because a worker's
                // start (JIT, libtorch) on a loaded 2-core machine delayed heartbeats by up to 5.4 s; the coordinator still
                // downs a dead worker within ~10 s, and the local launcher reports a dead process at once.
                FailureDetector = new PhiAccrualFailureDetectorOptions
                {
                    HeartbeatInterval = TimeSpan.FromSeconds(1),
                    AcceptableHeartbeatPause = TimeSpan.FromSeconds(6),
                },
            })
            // What Akka.Hosting has no option for. The coordinator downs an unreachable worker itself (WorkerDowner), so
            // the resolver's stable-after only matters for partitions; a worker that cannot join gives up after a minute.
            // Gossip and leader actions every 200 ms (default 1 s): a join (Joining -> Up) and a leave (Leaving ->
            // Exiting -> Removed) each wait for a few of those ticks, which cost every run ~2-3 s at its start and end;
            // for a cluster of a coordinator and tens of workers the extra gossip is negligible. Failure detection is
            // the heartbeat's business and does not change.
            .AddHocon(ConfigurationFactory.ParseString("""
                akka.cluster.split-brain-resolver.stable-after = 7s
                akka.cluster.gossip-interval = 200ms
                akka.cluster.leader-actions-interval = 200ms
                akka.cluster.periodic-tasks-initial-delay = 200ms
                akka.cluster.shutdown-after-unsuccessful-join-seed-nodes = 60s
                akka.cluster.log-info = off
                akka.remote.log-remote-lifecycle-events = off
                akka.coordinated-shutdown.exit-clr = off
                akka.log-dead-letters-during-shutdown = off
                """), HoconAddMode.Prepend)
            .WithCustomSerializer("orchestrator", [typeof(IClusterMessage)], system => new ClusterMessageSerializer(system))
            .WithActors((system, _) =>
            {
                system.ActorOf(Props.Create(() => new PlannedDepartureWatcher(departures)), "planned-departures");
                // The coordinator seeds the cluster: it joins itself (its port may be chosen only at bind time).
                if (seed is not null) return;
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
    }
}
