using Orchestrator.Coordinator.Cluster;

namespace Orchestrator.Coordinator.Run;

public enum WorkerPlacementKind
{
    /// <summary>`orchestrator train`: the coordinator starts N local worker processes that join it over loopback.</summary>
    LocalProcesses,

    /// <summary>`orchestrator coordinator`: workers are started elsewhere (`orchestrator worker`, one pod per node) and join by address.</summary>
    Cluster,

    /// <summary>Tests only: the worker actors live in the coordinator's actor system (no remoting, no serialization).</summary>
    InProcess,
}

/// <summary>Where a run's workers live, and where the coordinator listens for them.</summary>
/// <param name="PublicPort">The port workers reach the coordinator by when a port mapping or a proxy stands in front of
/// <paramref name="Port"/>; null: <paramref name="Port"/>.</param>
public sealed record WorkerPlacement(WorkerPlacementKind Kind, string BindHost, string StoreHost, int Port, TimeSpan JoinTimeout,
    ClusterHosting.TransportSecurity? Security = null, int? PublicPort = null)
{
    public static WorkerPlacement LocalProcesses(ClusterHosting.TransportSecurity? security = null) =>
        new(WorkerPlacementKind.LocalProcesses, "127.0.0.1", "127.0.0.1", 0, TimeSpan.FromMinutes(2), security);

    /// <param name="publicHost">The name workers reach the coordinator by (its pod's DNS name).</param>
    public static WorkerPlacement Cluster(string publicHost, int port, TimeSpan joinTimeout, ClusterHosting.TransportSecurity? security = null,
        int? publicPort = null) =>
        new(WorkerPlacementKind.Cluster, "0.0.0.0", publicHost, port, joinTimeout, security, publicPort);

    public static WorkerPlacement InProcess { get; } = new(WorkerPlacementKind.InProcess, "127.0.0.1", "127.0.0.1", 0, TimeSpan.FromMinutes(1));
}
