using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Orchestrator.Coordinator.Cluster;

namespace Orchestrator.Coordinator.Tests.Cluster;

/// <summary>
/// Real cluster nodes on loopback (plain TCP): a member that leaves gracefully is recorded as a planned departure on
/// the node that stays, before its remoting goes; a member that is downed (as a killed or cut-off worker is) is not.
/// </summary>
public sealed class PlannedDepartureWatcherTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly List<ActorSystem> systems = [];

    private ActorSystem Node()
    {
        var system = ActorSystem.Create("orchestrator", ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.log-info = off
            akka.cluster.gossip-interval = 200ms
            akka.cluster.leader-actions-interval = 200ms
            akka.cluster.periodic-tasks-initial-delay = 200ms
            akka.coordinated-shutdown.exit-clr = off
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """));
        systems.Add(system);
        return system;
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    [Fact]
    public async Task A_member_that_leaves_is_a_planned_departure_and_a_downed_one_is_not()
    {
        var coordinator = Node();
        var cluster = Akka.Cluster.Cluster.Get(coordinator);
        await cluster.JoinAsync(cluster.SelfAddress);
        var departures = new PlannedDepartures();
        coordinator.ActorOf(Props.Create(() => new PlannedDepartureWatcher(departures)), "planned-departures");
        Assert.True(await Eventually(() => cluster.SelfAddress.Equals(departures.Self)), "the watcher never recorded its own node's address");

        var leaving = Node();
        var downed = Node();
        await Akka.Cluster.Cluster.Get(leaving).JoinAsync(cluster.SelfAddress);
        await Akka.Cluster.Cluster.Get(downed).JoinAsync(cluster.SelfAddress);
        var leaver = Akka.Cluster.Cluster.Get(leaving).SelfAddress;
        var victim = Akka.Cluster.Cluster.Get(downed).SelfAddress;

        // The graceful way a worker ends: its CoordinatedShutdown leaves the cluster, then terminates the system.
        await CoordinatedShutdown.Get(leaving).Run(CoordinatedShutdown.ClrExitReason.Instance);
        cluster.Down(victim);
        // Down -> Removed is a member's only way on from Down (its removal then waits for the failure detector).
        Assert.True(await Eventually(() => cluster.State.Members.All(m => m.Address != leaver)
            && cluster.State.Members.Any(m => m.Address == victim && m.Status == MemberStatus.Down)), "the leaver was never removed, or the victim never downed");

        Assert.True(departures.Contains(leaver));
        Assert.False(departures.Contains(victim));
        Assert.False(departures.SelfLeaving);

        // The coordinator's own leave makes every connection's end expected.
        cluster.Leave(cluster.SelfAddress);
        Assert.True(await Eventually(() => departures.SelfLeaving), "the coordinator's own leave was not recorded");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in systems) await system.Terminate();
    }
}
