using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Coordinator.Metrics;

/// <summary>One logged training step on the status page's curves.</summary>
public sealed record TrainingPoint(long Step, double Epoch, double Loss, double LearningRate);

/// <summary>One evaluation on the status page: when (fractional epoch, step) and its metrics (loss, f1, accuracy...).</summary>
public sealed record EvaluationPoint(double Epoch, long Step, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Scores of one entity type in the newest evaluation (token tasks).</summary>
public sealed record EntityRow(string Type, double Precision, double Recall, double F1, int Support);

/// <summary>What `/api/status` returns (snake_case JSON): the run's progress now and its curves so far.</summary>
public sealed record StatusSnapshot(
    string RunId,
    string RunName,
    string State,
    string? Error,
    long Step,
    int TotalSteps,
    double Epoch,
    int Epochs,
    double? Loss,
    double? LearningRate,
    double? SamplesPerSecond,
    double ElapsedSeconds,
    double? EtaSeconds,
    int WorkersUp,
    int Workers,
    int WorkerFailures,
    int CheckpointsCommitted,
    string? LastCheckpoint,
    int PushesPending,
    int PushesFailed,
    IReadOnlyList<TrainingPoint> Training,
    IReadOnlyList<EvaluationPoint> Evaluations,
    IReadOnlyList<EntityRow> Entities)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        // A diverged loss is NaN or infinite: JSON has no such numbers, so they travel as strings ("NaN").
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

/// <summary>
/// The live state of one run for the status page: fed by <see cref="MetricsRunObserver"/> from the coordinator's
/// thread and background tasks, read by the HTTP server's threads, so every access takes the lock.
/// The training curve keeps at most <see cref="MaxTrainingPoints"/> points: past that every other point is dropped
/// (a long run's curve keeps its shape while the JSON stays small).
/// </summary>
public sealed class RunStatus(string runId, string runName, int totalSteps, int stepsPerEpoch, int epochs, int workers, TimeProvider? time = null)
{
    public const int MaxTrainingPoints = 2000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _lock = new();
    private readonly List<TrainingPoint> _training = [];
    private readonly List<EvaluationPoint> _evaluations = [];
    private readonly HashSet<int> _workersUp = [];
    private readonly long _started = (time ?? TimeProvider.System).GetTimestamp();
    private IReadOnlyList<EntityRow> _entities = [];
    private (long Step, long Timestamp)? _firstProgress;
    private long _lastProgressTimestamp;
    private int _keepEvery = 1;
    private int _sinceKept;
    private string _state = "starting";
    private string? _error;
    private long _step;
    private double? _loss, _learningRate, _samplesPerSecond;
    private int _workerFailures, _checkpoints, _pushesPending, _pushesFailed;
    private string? _lastCheckpoint;

    public int TotalSteps => totalSteps;

    public void Progress(long step, double loss, double learningRate, double samplesPerSecond)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _firstProgress ??= (step, now);
            _lastProgressTimestamp = now;
            _state = "training";
            _step = Math.Max(_step, step);
            (_loss, _learningRate, _samplesPerSecond) = (loss, learningRate, samplesPerSecond);
            if (++_sinceKept < _keepEvery) return;
            _sinceKept = 0;
            _training.Add(new TrainingPoint(step, EpochOf(step), loss, learningRate));
            if (_training.Count <= MaxTrainingPoints) return;
            // Halve the curve's resolution: keep every other point from now on, and thin the past alike.
            var thinned = _training.Where((_, i) => i % 2 == 0).ToList();
            _training.Clear();
            _training.AddRange(thinned);
            _keepEvery *= 2;
        }
    }

    public void Evaluation(long step, IReadOnlyDictionary<string, double> metrics, IReadOnlyList<EntityRow> entities)
    {
        lock (_lock)
        {
            _step = Math.Max(_step, step);
            _evaluations.Add(new EvaluationPoint(EpochOf(step), step, new Dictionary<string, double>(metrics)));
            _entities = entities;
        }
    }

    /// <returns>Workers up now.</returns>
    public int WorkerUp(int rank)
    {
        lock (_lock)
        {
            _workersUp.Add(rank);
            return _workersUp.Count;
        }
    }

    /// <returns>Workers up now.</returns>
    public int WorkerFailed(int rank)
    {
        lock (_lock)
        {
            _workersUp.Remove(rank);
            _workerFailures++;
            return _workersUp.Count;
        }
    }

    public void CheckpointCommitted(string name)
    {
        lock (_lock)
        {
            _checkpoints++;
            _lastCheckpoint = name;
        }
    }

    public void Pushes(int pending, int failed)
    {
        lock (_lock) (_pushesPending, _pushesFailed) = (pending, failed);
    }

    public void Ended(bool succeeded, string? error)
    {
        lock (_lock)
        {
            _state = succeeded ? "done" : "failed";
            _error = error;
            // The workers stop with the run.
            _workersUp.Clear();
        }
    }

    public StatusSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new StatusSnapshot(runId, runName, _state, _error, _step, totalSteps, EpochOf(_step), epochs,
                _loss, _learningRate, _samplesPerSecond, _time.GetElapsedTime(_started).TotalSeconds, EtaSeconds(),
                _workersUp.Count, workers, _workerFailures, _checkpoints, _lastCheckpoint, _pushesPending, _pushesFailed,
                _training.ToArray(), _evaluations.ToArray(), _entities);
        }
    }

    /// <summary>Seconds to the last step at the rate seen since this process started training (a resumed run counts from its resume).</summary>
    private double? EtaSeconds()
    {
        if (_state != "training" || _firstProgress is not { } first || _step <= first.Step) return null;
        var seconds = _time.GetElapsedTime(first.Timestamp, _lastProgressTimestamp).TotalSeconds;
        if (seconds <= 0) return null;
        var stepsPerSecond = (_step - first.Step) / seconds;
        return Math.Max(0, totalSteps - _step) / stepsPerSecond;
    }

    /// <summary>Fractional epochs after <paramref name="step"/> optimizer steps.</summary>
    public double EpochOf(long step) => stepsPerEpoch > 0 ? (double)step / stepsPerEpoch : 0;
}
