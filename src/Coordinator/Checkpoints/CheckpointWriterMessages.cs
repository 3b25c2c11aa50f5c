using Akka.Actor;
using Orchestrator.Shared.Checkpoints;

namespace Orchestrator.Coordinator.Checkpoints;

// The checkpoint writer's protocol (local to the coordinator's node; only the file request goes to rank 0).

/// <summary>
/// Commit checkpoint <paramref name="Name"/>: rank 0 writes the files of its snapshot of <paramref name="SnapshotStep"/>
/// into a temporary folder of the run's checkpoints folder, then the writer adds <paramref name="State"/>, seals and
/// renames it. Answered with <see cref="CheckpointCommitted"/> or <see cref="CheckpointFailed"/>, in request order.
/// </summary>
public sealed record WriteCheckpoint(string Name, TrainerState State, IActorRef RankZero, long SnapshotStep, string TokenizerSource);

public sealed record CheckpointCommitted(CheckpointInfo Checkpoint);

/// <summary>Nothing of <paramref name="Name"/> was committed (its temporary folder is removed); earlier checkpoints are untouched.</summary>
public sealed record CheckpointFailed(string Name, string Reason, bool RankZeroLost);

/// <summary>Answered with <see cref="CheckpointsSettled"/> once every write asked for before it has committed or failed.</summary>
public sealed record SettleCheckpoints
{
    public static readonly SettleCheckpoints Instance = new();
}

public sealed record CheckpointsSettled
{
    public static readonly CheckpointsSettled Instance = new();
}
