using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Orchestrator.Shared.Tests.Cluster;

/// <summary>
/// One cluster node for these tests: an ActorSystem configured through Akka.Hosting (as the coordinator and worker
/// processes are), listening on 127.0.0.1 with a free port, recording its own cluster membership events and its
/// warnings and errors.
/// </summary>
internal sealed class TlsTestNode : IAsyncDisposable
{
    public const string SystemName = "orchestrator";

    readonly ServiceProvider _services;

    TlsTestNode(ServiceProvider services)
    {
        _services = services;
        System = services.GetRequiredService<ActorSystem>();
        Cluster = AkkaCluster.Get(System);
        var recorder = System.ActorOf(Props.Create(() => new Recorder(MemberEvents, Logs)), "recorder");
        System.EventStream.Subscribe(recorder, typeof(Warning));
        System.EventStream.Subscribe(recorder, typeof(Error));
        Cluster.Subscribe(recorder, ClusterEventSubscription, typeof(Akka.Cluster.ClusterEvent.IMemberEvent));
    }

    static readonly Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode ClusterEventSubscription =
        Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents;

    public ActorSystem System { get; }
    public AkkaCluster Cluster { get; }
    public Address Address => Cluster.SelfAddress;

    /// <summary>Every membership event this node saw (joined, up, left, removed...), in order.</summary>
    public ConcurrentQueue<Akka.Cluster.ClusterEvent.IMemberEvent> MemberEvents { get; } = new();

    /// <summary>Warnings and errors logged on this node.</summary>
    public ConcurrentQueue<LogEvent> Logs { get; } = new();

    /// <param name="security">What makes the transport secure, applied to the node's remote options; null: plain TCP.</param>
    public static TlsTestNode Start(Action<RemoteOptions>? security)
    {
        var services = new ServiceCollection();
        services.AddAkka(SystemName, builder =>
        {
            var remote = new RemoteOptions { HostName = "127.0.0.1", PublicHostName = "127.0.0.1", Port = 0 };
            security?.Invoke(remote);
            builder
                .WithRemoting(remote)
                .WithActorRefProvider(ProviderSelection.Cluster.Instance)
                .AddHocon(ConfigurationFactory.ParseString("""
                    akka.loglevel = WARNING
                    akka.stdout-loglevel = OFF
                    akka.cluster.log-info = off
                    akka.cluster.seed-node-timeout = 2s
                    akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                    # Disposing a node stops it at once: these tests need no graceful leave.
                    akka.coordinated-shutdown.run-by-actor-system-terminate = off
                    """), HoconAddMode.Prepend);
        });
        return new TlsTestNode(services.BuildServiceProvider());
    }

    /// <summary>Makes this node a cluster of its own (as the coordinator does) and waits until it is Up.</summary>
    public async Task FormClusterAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await Cluster.JoinAsync(Address, cancel.Token);
    }

    /// <summary>The addresses of the other nodes this node has ever seen as members (joining or later).</summary>
    public IReadOnlyList<Address> OtherMembersSeen() =>
        MemberEvents.Select(e => e.Member.Address).Where(a => a != Address).Distinct().ToList();

    /// <summary>Whether this node's pin refused a peer presenting the certificate with this thumbprint.</summary>
    public bool RefusedCertificate(string thumbprint) =>
        Logs.Any(l => l is Warning && l.Message.ToString() is { } text && text.StartsWith("Refused TLS peer") && text.Contains(thumbprint));

    public async ValueTask DisposeAsync()
    {
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        await _services.DisposeAsync();
    }

    sealed class Recorder : ReceiveActor
    {
        public Recorder(ConcurrentQueue<Akka.Cluster.ClusterEvent.IMemberEvent> members, ConcurrentQueue<LogEvent> logs)
        {
            Receive<Akka.Cluster.ClusterEvent.IMemberEvent>(members.Enqueue);
            Receive<LogEvent>(logs.Enqueue);
            Receive<Akka.Cluster.ClusterEvent.CurrentClusterState>(_ => { });
        }
    }
}
