namespace Orchestrator.Shared.Checkpoints;

/// <summary>The random generator state of one rank, as raw bytes (base64 in JSON).</summary>
/// <param name="Generator">Which generator, e.g. "torch_cpu", "cuda:0", "sampler".</param>
public sealed record RankRngState(int Rank, string Generator, byte[] State);

/// <summary>One evaluation: when it happened and every metric it produced (e.g. eval_overall_f1).</summary>
public sealed record EvaluationRecord(double Epoch, long Step, Dictionary<string, double> Metrics);

/// <summary>
/// trainer_state.json: everything besides weights and optimizer moments that an exact resume needs.
/// Field names are snake_case like Hugging Face's (epoch, global_step, log_history, best_metric,
/// best_model_checkpoint); the rest are ours.
/// </summary>
public sealed record TrainerState
{
    public const string FileName = "trainer_state.json";

    public int FormatVersion { get; init; } = 1;

    /// <summary>Training progress in epochs, fractional like the Trainer's (2.5 = half way through the third).</summary>
    public double Epoch { get; init; }

    /// <summary>Optimizer steps taken so far.</summary>
    public long GlobalStep { get; init; }

    /// <summary>Zero-based index of the epoch the data cursor is in.</summary>
    public int EpochIndex { get; init; }

    /// <summary>Data cursor: batches of <see cref="EpochIndex"/> already consumed (skipped on resume).</summary>
    public long StepsInEpoch { get; init; }

    public long StepsPerEpoch { get; init; }

    public int WorldSize { get; init; } = 1;

    public long Seed { get; init; } = 42;

    public List<RankRngState> RngStates { get; init; } = new();

    /// <summary>Training log entries (loss, learning_rate, epoch, step, ...), oldest first.</summary>
    public List<Dictionary<string, double>> LogHistory { get; init; } = new();

    /// <summary>Every evaluation so far, oldest first.</summary>
    public List<EvaluationRecord> MetricHistory { get; init; } = new();

    public double? BestMetric { get; init; }

    public string? BestModelCheckpoint { get; init; }

    /// <summary>Hash of the run configuration, so a resume with different settings is detected.</summary>
    public string? RunConfigHash { get; init; }

    /// <summary>
    /// The value of <paramref name="metric"/> from the evaluation made at this state's step, if any; looks
    /// up the name as given, then with the "eval_" prefix the Trainer adds.
    /// </summary>
    public double? MetricAtCurrentStep(string metric)
    {
        for (int i = MetricHistory.Count - 1; i >= 0; i--)
        {
            var record = MetricHistory[i];
            if (record.Step != GlobalStep) continue;
            if (record.Metrics.TryGetValue(metric, out var v)) return v;
            if (record.Metrics.TryGetValue("eval_" + metric, out v)) return v;
        }
        return null;
    }

    public byte[] ToJsonBytes() => CheckpointJson.ToBytes(this);

    public static TrainerState Load(string path)
    {
        var state = CheckpointJson.Read<TrainerState>(path);
        if (state.GlobalStep < 0)
            throw new InvalidDataException($"{path}: field 'global_step' is negative ({state.GlobalStep}).");
        return state;
    }
}
