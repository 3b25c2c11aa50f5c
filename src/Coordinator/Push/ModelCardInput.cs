using Orchestrator.Coordinator.ConsoleView;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Push;

/// <summary>
/// One evaluation in the run's history. <see cref="Metrics"/> uses plain names (precision, recall, f1, accuracy);
/// "loss" there is the validation loss. <see cref="TrainingLoss"/> is the mean training loss since the previous one.
/// </summary>
public sealed record EvaluationRecord(double Epoch, int Step, double? TrainingLoss, IReadOnlyDictionary<string, double> Metrics);

/// <summary>A logged training loss (every logging_steps optimizer steps).</summary>
public sealed record LossPoint(int Step, double Epoch, double Loss);

/// <summary>Everything the model card shows, as plain values supplied by the coordinator.</summary>
public sealed record ModelCardInput(string ModelName, TrainOptions Options)
{
    /// <summary>What was fine-tuned: a Hub id (bert-base-cased, user/model) is linked; a local path shows its folder name.</summary>
    public string? BaseModel { get; init; }

    public string? DatasetName { get; init; }

    public IReadOnlyList<EvaluationRecord> Evaluations { get; init; } = [];

    /// <summary>Per-type scores of the final evaluation (token tasks).</summary>
    public IReadOnlyList<TypeScores> FinalPerType { get; init; } = [];

    public IReadOnlyList<LossPoint> TrainingLoss { get; init; } = [];

    /// <summary>Workers that trained (default <see cref="TrainOptions.Workers"/>).</summary>
    public int? WorldSize { get; init; }

    /// <summary>Optimizer steps the run makes, when known (shown as training_steps).</summary>
    public int? TotalSteps { get; init; }
}
