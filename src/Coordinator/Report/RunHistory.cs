using System.Text.Json.Nodes;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Report;

/// <summary>One logged training step: the loss and learning rate of that step (throughput when the log has it).</summary>
public sealed record StepRecord(long Step, double Epoch, double Loss, double LearningRate, double? SamplesPerSecond);

/// <summary>One evaluation: fractional epoch, step, and its metrics by plain name (loss is the validation loss).</summary>
public sealed record EvaluationRow(double Epoch, long Step, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Scores of one entity type (seqeval's per-type row) in an evaluation.</summary>
public sealed record EntityScoreRow(string Type, double Precision, double Recall, double F1, long Support);

/// <summary>
/// Everything `orchestrator report` shows about a run, read from its folder: run.json, the trainer state of the
/// newest complete checkpoint, and the coordinator's JSON-lines logs.
/// </summary>
public sealed record RunHistory
{
    public required string RunDirectory { get; init; }

    public required RunManifest Manifest { get; init; }

    /// <summary>The checkpoint whose trainer_state.json was read (null: none was complete, the logs are all there is).</summary>
    public string? StateCheckpoint { get; init; }

    public TrainerState? State { get; init; }

    public IReadOnlyList<StepRecord> Steps { get; init; } = [];

    public IReadOnlyList<EvaluationRow> Evaluations { get; init; } = [];

    /// <summary>Per-type scores of the newest evaluation that logged them, and its step.</summary>
    public IReadOnlyList<EntityScoreRow> Entities { get; init; } = [];

    public long? EntitiesStep { get; init; }

    public int? TotalSteps { get; init; }

    public DateTimeOffset? FirstEvent { get; init; }

    public DateTimeOffset? LastEvent { get; init; }

    /// <summary>Whether the final model folder exists (the run finished).</summary>
    public bool Finished { get; init; }

    /// <summary>Log lines that were not JSON (e.g. the last line of a process killed mid-write), as file:line.</summary>
    public IReadOnlyList<string> SkippedLogLines { get; init; } = [];

    public string RunName => Manifest.RunName;

    public long LastStep => Math.Max(State?.GlobalStep ?? 0, Steps.Count > 0 ? Steps[^1].Step : 0);
}
