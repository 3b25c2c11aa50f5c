using Akka.Actor;
using Akka.Cluster;
using Orchestrator.Worker;
using Serilog;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>
/// The root of a worker process: once this node is a cluster member it starts one <see cref="WorkerActor"/> per
/// device, and it ends the process (through <paramref name="exit"/>) when there is nothing left to do. Exit code 0
/// only when the coordinator said the run is complete (its worker actors stopped, or the coordinator then left);
/// 1 in every other case: the run failed, the coordinator became unreachable or left without saying so, a worker
/// actor lost its coordinator, or this node was downed (the coordinator found it unreachable). So no worker process
/// outlives its coordinator, and one that ends without a completed run exits with a failure code: the Job's restart
/// policy (or the local launcher) starts it again and it joins as a replacement.
/// </summary>
public sealed class WorkerProcessGuard : ReceiveActor
{
    private readonly Akka.Cluster.Cluster cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly TaskCompletionSource<int> exit;
    private readonly ILogger log;
    private readonly HashSet<IActorRef> workers = [];
    private bool runCompleted;

    public WorkerProcessGuard(IReadOnlyList<string> devices, WorkerDataLoader loadData, string coordinatorAddress, string publicHost, ILogger log,
        TaskCompletionSource<int> exit)
    {
        this.exit = exit;
        this.log = log;
        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (up.Member.Address.Equals(cluster.SelfAddress) && workers.Count == 0)
            {
                var coordinator = Context.ActorSelection($"{coordinatorAddress}/user/coordinator");
                for (var i = 0; i < devices.Count; i++)
                {
                    var device = devices[i];
                    var worker = Context.ActorOf(Props.Create(() => new WorkerActor(log.ForContext("Device", device), loadData, coordinator, device, publicHost)),
                        $"worker-{i}");
                    Context.Watch(worker);
                    workers.Add(worker);
                }
                log.Information("Joined the cluster at {Address}: {Workers} worker actor(s) on {Devices}", cluster.SelfAddress, devices.Count, string.Join(",", devices));
            }
        });
        Receive<ClusterEvent.UnreachableMember>(unreachable =>
        {
            if (unreachable.Member.HasRole(ClusterHosting.CoordinatorRole))
                Exit(1, $"the coordinator {unreachable.Member.Address} is unreachable");
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            if (removed.Member.UniqueAddress.Equals(cluster.SelfUniqueAddress))
                Exit(1, "this worker node was removed from the cluster");
            else if (removed.Member.HasRole(ClusterHosting.CoordinatorRole))
                Exit(runCompleted ? 0 : 1, $"the coordinator {removed.Member.Address} left the cluster");
        });
        Receive<WorkerStopping>(stopping =>
        {
            if (stopping.RunCompleted) runCompleted = true;
            else Exit(1, $"the worker on {stopping.Device} stopped: {stopping.Reason}");
        });
        Receive<Terminated>(terminated =>
        {
            workers.Remove(terminated.ActorRef);
            if (workers.Count == 0) Exit(runCompleted ? 0 : 1, "every worker actor has stopped");
        });
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
    }

    private void Exit(int code, string reason)
    {
        if (exit.Task.IsCompleted) return;
        if (code == 0) log.Information("Worker process exiting: {Reason}", reason);
        else log.Warning("Worker process exiting: {Reason}", reason);
        exit.TrySetResult(code);
    }

    protected override void PreStart()
    {
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));
        Context.System.EventStream.Subscribe(Self, typeof(WorkerStopping));
    }

    protected override void PostStop()
    {
        cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
        // The actor system is going down (for instance it never managed to join): the process ends too.
        Exit(1, "the worker's actor system stopped");
    }
}
