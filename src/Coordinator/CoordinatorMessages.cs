using Orchestrator.Shared.Checkpoints;

namespace Orchestrator.Coordinator;

// The coordinator's protocol besides the workers' replies (WorkerMessages.cs): notes it sends itself
// when background work (checkpoint writes, the final save and push) completes.

public sealed record CheckpointCommitted(CheckpointInfo Checkpoint);

public sealed record BackgroundFailed(string Work, string Error);

/// <summary>Every checkpoint write started so far has finished (committed or failed).</summary>
public sealed record CheckpointsSettled;

public sealed record RunCompleted(RunOutcome Outcome);

/// <summary>How a run ended: its last step, the evaluation history and where the final model is.</summary>
public sealed record RunOutcome(
    string RunDirectory,
    long GlobalStep,
    IReadOnlyList<EvaluationRecord> Evaluations,
    string FinalModelDirectory,
    string? BestCheckpoint,
    int PushesFailed);
