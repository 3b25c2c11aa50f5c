namespace Orchestrator.Shared.Config;

/// <summary>
/// How many batches and optimizer steps a run takes, and the learning-rate schedule, as pure arithmetic.
/// Matches Trainer with a DistributedSampler (drop_last false): every rank sees ceil(N / world) samples
/// (the sampler repeats samples to even out ranks), in ceil(samples / batch) batches per epoch.
/// An epoch's trailing micro-batches that do not fill a whole accumulation still make one optimizer step
/// (Trainer >= 4.46 does the same), so steps per epoch = ceil(batches / accumulation).
/// With max_steps > 0 the run stops after max_steps and the epoch count is ceil(max_steps / steps per epoch);
/// otherwise total = epochs * steps per epoch. Warmup from a ratio is ceil(ratio * total) (Trainer's get_warmup_steps).
/// </summary>
public sealed record TrainingPlan(
    int TrainExamples,
    int WorldSize,
    int PerDeviceBatchSize,
    int GradientAccumulationSteps,
    int SamplesPerRank,
    int BatchesPerEpoch,
    int StepsPerEpoch,
    int Epochs,
    int TotalSteps,
    int WarmupSteps)
{
    /// <summary>Samples behind one optimizer step across all ranks (Trainer's total_train_batch_size).</summary>
    public int TotalTrainBatchSize => PerDeviceBatchSize * WorldSize * GradientAccumulationSteps;

    public static TrainingPlan Create(
        int trainExamples, int worldSize, int perDeviceBatchSize, int gradientAccumulationSteps,
        int numTrainEpochs, int maxSteps = -1, int warmupSteps = 0, double warmupRatio = 0)
    {
        if (trainExamples < 1) throw new ArgumentOutOfRangeException(nameof(trainExamples), trainExamples, "the training set is empty");
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perDeviceBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gradientAccumulationSteps, 1);
        if (maxSteps <= 0) ArgumentOutOfRangeException.ThrowIfLessThan(numTrainEpochs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (warmupRatio is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(warmupRatio), warmupRatio, "must be in [0, 1)");

        var samplesPerRank = CeilDiv(trainExamples, worldSize);
        var batchesPerEpoch = CeilDiv(samplesPerRank, perDeviceBatchSize);
        var stepsPerEpoch = CeilDiv(batchesPerEpoch, gradientAccumulationSteps);
        int epochs, totalSteps;
        if (maxSteps > 0)
        {
            totalSteps = maxSteps;
            epochs = CeilDiv(maxSteps, stepsPerEpoch);
        }
        else
        {
            epochs = numTrainEpochs;
            totalSteps = checked(numTrainEpochs * stepsPerEpoch);
        }

        var warmup = warmupSteps > 0 ? warmupSteps : (int)Math.Ceiling(warmupRatio * totalSteps);
        return new TrainingPlan(trainExamples, worldSize, perDeviceBatchSize, gradientAccumulationSteps,
            samplesPerRank, batchesPerEpoch, stepsPerEpoch, epochs, totalSteps, warmup);
    }

    public static TrainingPlan Create(TrainOptions options, int trainExamples, int? worldSize = null) =>
        Create(trainExamples, worldSize ?? options.Workers, options.PerDeviceTrainBatchSize, options.GradientAccumulationSteps,
            options.NumTrainEpochs, options.MaxSteps, options.WarmupSteps, options.WarmupRatio);

    /// <summary>
    /// get_linear_schedule_with_warmup's multiplier for the optimizer step that follows <paramref name="completedSteps"/>
    /// scheduler steps: completed/W during warmup, then max(0, (T - completed) / (T - W)).
    /// </summary>
    public double LearningRateFactor(int completedSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(completedSteps);
        if (completedSteps < WarmupSteps) return (double)completedSteps / Math.Max(1, WarmupSteps);
        return Math.Max(0.0, (double)(TotalSteps - completedSteps) / Math.Max(1, TotalSteps - WarmupSteps));
    }

    public double LearningRate(double peakLearningRate, int completedSteps) => peakLearningRate * LearningRateFactor(completedSteps);

    /// <summary>Micro-batches that make up the given optimizer step of an epoch (0-based): the accumulation, or the remainder at the end.</summary>
    public int MicroBatchesInStep(int stepInEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepInEpoch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepInEpoch, StepsPerEpoch);
        return Math.Min(GradientAccumulationSteps, BatchesPerEpoch - stepInEpoch * GradientAccumulationSteps);
    }

    /// <summary>0-based epoch in which global optimizer step <paramref name="globalStep"/> (0-based) runs.</summary>
    public int EpochOf(int globalStep) => globalStep / StepsPerEpoch;

    /// <summary>Optimizer steps to run in a given 0-based epoch (the last may be cut short by max_steps).</summary>
    public int StepsInEpoch(int epoch) => Math.Clamp(TotalSteps - epoch * StepsPerEpoch, 0, StepsPerEpoch);

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
