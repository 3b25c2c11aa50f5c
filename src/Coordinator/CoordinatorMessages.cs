using Orchestrator.Shared.Checkpoints;

namespace Orchestrator.Coordinator;

// The coordinator's protocol besides the workers' messages (Worker/WorkerMessages.cs) and its children's replies
// (Checkpoints/CheckpointWriterMessages.cs, Push/ArtifactPusherMessages.cs): notes from the local launcher and the
// timers it sets itself.

/// <summary>The local launcher saw a worker process end: its member is downed at once instead of after failure detection.</summary>
public sealed record WorkerProcessExited(int ProcessId, int ExitCode);

/// <summary>The expected workers did not all join in time.</summary>
public sealed record WorkersDidNotJoin
{
    public static readonly WorkersDidNotJoin Instance = new();
}

/// <summary>A worker failed and no peer was lost within the grace period: the failure was the worker's own.</summary>
public sealed record NoWorkerLost(string Failure);

/// <summary>The final model is saved and pushed.</summary>
public sealed record FinalModelSaved(string Directory);

public sealed record BackgroundFailed(string Work, string Error);

/// <summary>How a run ended: its last step, the evaluation history and where the final model is.</summary>
public sealed record RunOutcome(
    string RunDirectory,
    long GlobalStep,
    IReadOnlyList<EvaluationRecord> Evaluations,
    string FinalModelDirectory,
    string? BestCheckpoint,
    int PushesFailed,
    int WorkersLost);
