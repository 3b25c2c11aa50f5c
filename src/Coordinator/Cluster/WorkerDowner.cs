using Akka.Actor;
using Akka.Cluster;
using Serilog;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>
/// On the coordinator's node: downs a worker member as soon as it is unreachable. With the defaults a killed worker
/// reached the coordinator as Terminated only after ~25 s (the Split Brain Resolver waits stable-after); downing on
/// UnreachableMember makes it ~7 s, and the coordinator's death watch then starts its recovery.
/// </summary>
public sealed class WorkerDowner : ReceiveActor
{
    private readonly Akka.Cluster.Cluster cluster = Akka.Cluster.Cluster.Get(Context.System);

    public WorkerDowner(ILogger log)
    {
        Receive<ClusterEvent.UnreachableMember>(unreachable =>
        {
            if (!unreachable.Member.HasRole(ClusterHosting.WorkerRole)) return;
            log.Warning("Worker node {Address} is unreachable: downing it", unreachable.Member.Address);
            cluster.Down(unreachable.Member.Address);
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    protected override void PreStart() =>
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember));

    protected override void PostStop() => cluster.Unsubscribe(Self);
}
