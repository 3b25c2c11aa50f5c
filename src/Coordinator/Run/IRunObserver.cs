using Orchestrator.Shared.Metrics;
using Orchestrator.Worker;

namespace Orchestrator.Coordinator.Run;

/// <summary>What people see of a run (the console view); the logs get every event regardless.</summary>
public interface IRunObserver
{
    void OnProgress(TrainProgress progress, int totalSteps);
    void OnEvaluation(int epoch, long step, IReadOnlyDictionary<string, double> metrics, SeqevalResult? entities);
}

public sealed class NullRunObserver : IRunObserver
{
    public static NullRunObserver Instance { get; } = new();
    public void OnProgress(TrainProgress progress, int totalSteps) { }
    public void OnEvaluation(int epoch, long step, IReadOnlyDictionary<string, double> metrics, SeqevalResult? entities) { }
}
