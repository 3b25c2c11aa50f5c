using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Metrics;
using Orchestrator.Worker;

namespace Orchestrator.Coordinator.Metrics;

/// <summary>Turns the run's events into Prometheus metrics (<see cref="RunMetrics"/>) and the status page's state (<see cref="RunStatus"/>).</summary>
public sealed class MetricsRunObserver(RunMetrics metrics, RunStatus status) : IRunObserver
{
    public RunMetrics Metrics => metrics;

    public RunStatus Status => status;

    public void OnProgress(TrainProgress progress, int totalSteps)
    {
        metrics.Step.Set(progress.GlobalStep);
        metrics.TotalSteps.Set(totalSteps);
        metrics.Loss.Set(progress.Loss);
        metrics.LearningRate.Set(progress.LearningRate);
        metrics.GradNorm.Set(progress.GradNorm);
        metrics.SamplesPerSecond.Set(progress.SamplesPerSecond);
        status.Progress(progress.GlobalStep, progress.Loss, progress.LearningRate, progress.SamplesPerSecond);
        metrics.Epoch.Set(status.EpochOf(progress.GlobalStep));
    }

    public void OnEvaluation(int epoch, long step, IReadOnlyDictionary<string, double> metricValues, SeqevalResult? entities)
    {
        foreach (var (name, value) in metricValues) metrics.EvalMetric.WithLabels(name).Set(value);
        var rows = entities?.PerType.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new EntityRow(t.Key, t.Value.Precision, t.Value.Recall, t.Value.F1, t.Value.Number)).ToList() ?? [];
        foreach (var row in rows) metrics.EntityF1.WithLabels(row.Type).Set(row.F1);
        metrics.Evaluations.Inc();
        metrics.Step.Set(Math.Max(metrics.Step.Value, step));
        status.Evaluation(step, metricValues, rows);
    }

    public void OnWorkerUp(int rank) => metrics.WorkersUp.Set(status.WorkerUp(rank));

    public void OnWorkerFailed(int rank, string reason)
    {
        metrics.WorkersUp.Set(status.WorkerFailed(rank));
        metrics.WorkerFailures.Inc();
    }

    public void OnCheckpointCommitted(string name, long step)
    {
        metrics.CheckpointsCommitted.Inc();
        status.CheckpointCommitted(name);
    }

    public void OnPushesChanged(int pending, int failed)
    {
        metrics.PushesPending.Set(pending);
        metrics.PushesFailed.IncTo(failed);
        status.Pushes(pending, failed);
    }

    public void OnRunEnded(bool succeeded, string? error)
    {
        metrics.WorkersUp.Set(0);
        status.Ended(succeeded, error);
    }
}
