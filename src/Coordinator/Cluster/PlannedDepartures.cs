using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>
/// The members of this node's cluster that left on purpose (they went through Leaving or Exiting, as a node does when
/// its CoordinatedShutdown runs), this node included. A member that was downed (killed, cut off) never passes through
/// those states, so it is never here. Shared between <see cref="PlannedDepartureWatcher"/>, which fills it from
/// cluster events, and <see cref="ExpectedDisassociationFilter"/>, which reads it on Akka's logging thread.
/// </summary>
public sealed class PlannedDepartures
{
    private ImmutableHashSet<Address> departed = ImmutableHashSet<Address>.Empty;
    private Address? self;

    /// <summary>This node's own address, once its cluster has started.</summary>
    public Address? Self
    {
        get => Volatile.Read(ref self);
        set => Volatile.Write(ref self, value);
    }

    public void Add(Address address) => ImmutableInterlocked.Update(ref departed, set => set.Add(address));

    public bool Contains(Address address) => departed.Contains(address);

    /// <summary>This node itself is leaving the cluster (its shutdown is under way): every connection is about to end.</summary>
    public bool SelfLeaving => Self is { } address && Contains(address);
}

/// <summary>
/// Records in <see cref="PlannedDepartures"/> every member that starts to leave (MemberLeft: Leaving; MemberExited:
/// Exiting). A graceful leave always passes through Exiting before the member's node shuts its remoting down, so the
/// departure is known before the connection ends.
/// </summary>
public sealed class PlannedDepartureWatcher : ReceiveActor
{
    private readonly Akka.Cluster.Cluster cluster = Akka.Cluster.Cluster.Get(Context.System);

    public PlannedDepartureWatcher(PlannedDepartures departures)
    {
        departures.Self = cluster.SelfAddress;
        Receive<ClusterEvent.MemberLeft>(left => departures.Add(left.Member.Address));
        Receive<ClusterEvent.MemberExited>(exited => departures.Add(exited.Member.Address));
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
    }

    protected override void PreStart() =>
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberLeft), typeof(ClusterEvent.MemberExited));

    protected override void PostStop() => cluster.Unsubscribe(Self);
}
