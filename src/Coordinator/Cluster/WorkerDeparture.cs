using Akka.Actor;
using Akka.Cluster;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>
/// The end of a run on the coordinator's node: its workers were told to stop, and each leaves the cluster gracefully
/// (its CoordinatedShutdown runs cluster-leave, the coordinator as leader moves it to Exiting and then removes it).
/// The coordinator keeps its own actor system up until they are all gone, so no worker sees its coordinator vanish
/// while it is still leaving.
/// </summary>
public static class WorkerDeparture
{
    /// <summary>
    /// Waits until no member with role worker is left in the cluster, at most <paramref name="timeout"/> (a worker
    /// that hangs must not hold the coordinator forever). Returns how many were still members when the wait ended.
    /// A downed worker (killed, cut off) does not count: it will not leave, and its removal waits for the failure
    /// detector (several seconds) for nothing.
    /// </summary>
    public static async Task<int> WaitForWorkersToLeaveAsync(ActorSystem system, TimeSpan timeout)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        int Remaining() => cluster.State.Members.Count(m => m.HasRole(ClusterHosting.WorkerRole) && m.Status != MemberStatus.Down);
        using var deadline = new CancellationTokenSource(timeout);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (Remaining() > 0 && await tick.WaitForNextTickAsync(deadline.Token))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
        return Remaining();
    }
}
