using Orchestrator.Shared.Metrics;
using Orchestrator.Worker;

namespace Orchestrator.Coordinator.Run;

/// <summary>What people see of a run (the console view); the logs get every event regardless.</summary>
public interface IRunObserver
{
    void OnProgress(TrainProgress progress, int totalSteps);
    void OnEvaluation(int epoch, long step, IReadOnlyDictionary<string, double> metrics, SeqevalResult? entities);

    /// <summary>A worker proved it holds the run's data and may take a rank.</summary>
    void OnWorkerJoined(string device, string host, int processId) { }

    /// <summary>A worker with a rank was lost (its process died or became unreachable).</summary>
    void OnWorkerLost(int rank, string host, int processId) { }
}

public sealed class NullRunObserver : IRunObserver
{
    public static NullRunObserver Instance { get; } = new();
    public void OnProgress(TrainProgress progress, int totalSteps) { }
    public void OnEvaluation(int epoch, long step, IReadOnlyDictionary<string, double> metrics, SeqevalResult? entities) { }
}
