using Prometheus;

namespace Orchestrator.Coordinator.Metrics;

/// <summary>
/// The run's Prometheus metrics, in a registry of its own (not prometheus-net's static default, so two runs in one
/// process, as in the tests, never share values). Every series carries the label run_id. The names are listed in
/// docs/metrics.md.
/// </summary>
public sealed class RunMetrics
{
    public RunMetrics(string runId, int totalSteps, int workers)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry).WithLabels(new Dictionary<string, string> { ["run_id"] = runId });
        Step = factory.CreateGauge("orchestrator_step", "Optimizer steps completed.");
        TotalSteps = factory.CreateGauge("orchestrator_total_steps", "Optimizer steps the run makes in total.");
        Epoch = factory.CreateGauge("orchestrator_epoch", "Training progress in epochs, fractional like the Trainer's (2.5 = half way through the third).");
        Loss = factory.CreateGauge("orchestrator_loss", "Training loss of the last logged step (mean over the workers).");
        LearningRate = factory.CreateGauge("orchestrator_learning_rate", "Learning rate of the last logged step.");
        GradNorm = factory.CreateGauge("orchestrator_grad_norm", "Gradient norm (before clipping) of the last logged step.");
        SamplesPerSecond = factory.CreateGauge("orchestrator_samples_per_second", "Training throughput over all workers, in examples per second.");
        EvalMetric = factory.CreateGauge("orchestrator_eval_metric", "Metric of the newest evaluation on the validation set (loss, precision, recall, f1, accuracy...).",
            labelNames: ["name"]);
        EntityF1 = factory.CreateGauge("orchestrator_eval_entity_f1", "F1 of one entity type in the newest evaluation (token tasks).",
            labelNames: ["entity"]);
        Evaluations = factory.CreateCounter("orchestrator_evaluations_total", "Evaluations completed.");
        Workers = factory.CreateGauge("orchestrator_workers", "Workers the run trains with (its world size).");
        WorkersUp = factory.CreateGauge("orchestrator_workers_up", "Workers initialised and training.");
        WorkerFailures = factory.CreateCounter("orchestrator_worker_failures_total", "Workers that failed or stopped while the run needed them.");
        CheckpointsCommitted = factory.CreateCounter("orchestrator_checkpoints_committed_total", "Checkpoints written completely (since this process started).");
        PushesPending = factory.CreateGauge("orchestrator_pushes_pending", "Checkpoints queued for pushing or being pushed.");
        PushesFailed = factory.CreateCounter("orchestrator_pushes_failed_total", "Pushes (one per destination) that failed after every retry.");
        TotalSteps.Set(totalSteps);
        Workers.Set(workers);
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public Gauge Step { get; }
    public Gauge TotalSteps { get; }
    public Gauge Epoch { get; }
    public Gauge Loss { get; }
    public Gauge LearningRate { get; }
    public Gauge GradNorm { get; }
    public Gauge SamplesPerSecond { get; }
    public Gauge EvalMetric { get; }
    public Gauge EntityF1 { get; }
    public Counter Evaluations { get; }
    public Gauge Workers { get; }
    public Gauge WorkersUp { get; }
    public Counter WorkerFailures { get; }
    public Counter CheckpointsCommitted { get; }
    public Gauge PushesPending { get; }
    public Counter PushesFailed { get; }

    /// <summary>The exposition text a scrape of /metrics returns.</summary>
    public async Task<string> ExportTextAsync(CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream, cancellationToken);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
