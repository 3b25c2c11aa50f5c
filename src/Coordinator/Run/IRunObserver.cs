using Orchestrator.Shared.Metrics;
using Orchestrator.Worker;

namespace Orchestrator.Coordinator.Run;

/// <summary>
/// What people and monitors see of a run (the console view, the metrics endpoint and status page); the logs get
/// every event regardless. Calls may come from any thread (the coordinator, background checkpoint writes, the
/// pusher). The members with bodies are optional: an observer implements the ones it shows.
/// </summary>
public interface IRunObserver
{
    void OnProgress(TrainProgress progress, int totalSteps);

    void OnEvaluation(int epoch, long step, IReadOnlyDictionary<string, double> metrics, SeqevalResult? entities);

    /// <summary>Worker <paramref name="rank"/> is initialised and ready to train.</summary>
    void OnWorkerUp(int rank) { }

    /// <summary>Worker <paramref name="rank"/> failed or stopped while the run needed it.</summary>
    void OnWorkerFailed(int rank, string reason) { }

    /// <summary>A checkpoint is complete on disk (its manifest written, `latest` moved).</summary>
    void OnCheckpointCommitted(string name, long step) { }

    /// <summary>
    /// The pusher's backlog changed: <paramref name="pending"/> checkpoints queued or being pushed, and
    /// <paramref name="failed"/> pushes (one per destination) given up so far.
    /// </summary>
    void OnPushesChanged(int pending, int failed) { }

    /// <summary>The run ended: done, or failed with <paramref name="error"/>.</summary>
    void OnRunEnded(bool succeeded, string? error) { }

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

/// <summary>Tells every observer, in order (e.g. the console view and the metrics).</summary>
public sealed class CompositeRunObserver(params IRunObserver[] observers) : IRunObserver
{
    public void OnProgress(TrainProgress progress, int totalSteps)
    {
        foreach (var o in observers) o.OnProgress(progress, totalSteps);
    }

    public void OnEvaluation(int epoch, long step, IReadOnlyDictionary<string, double> metrics, SeqevalResult? entities)
    {
        foreach (var o in observers) o.OnEvaluation(epoch, step, metrics, entities);
    }

    public void OnWorkerUp(int rank)
    {
        foreach (var o in observers) o.OnWorkerUp(rank);
    }

    public void OnWorkerFailed(int rank, string reason)
    {
        foreach (var o in observers) o.OnWorkerFailed(rank, reason);
    }

    public void OnCheckpointCommitted(string name, long step)
    {
        foreach (var o in observers) o.OnCheckpointCommitted(name, step);
    }

    public void OnWorkerJoined(string device, string host, int processId)
    {
        foreach (var o in observers) o.OnWorkerJoined(device, host, processId);
    }

    public void OnWorkerLost(int rank, string host, int processId)
    {
        foreach (var o in observers) o.OnWorkerLost(rank, host, processId);
    }

    public void OnPushesChanged(int pending, int failed)
    {
        foreach (var o in observers) o.OnPushesChanged(pending, failed);
    }

    public void OnRunEnded(bool succeeded, string? error)
    {
        foreach (var o in observers) o.OnRunEnded(succeeded, error);
    }
}
