using Orchestrator.Shared.Config;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Training;

/// <summary>
/// Everything a worker needs to build its model replica and optimizer; <see cref="Generation"/> is set when a
/// sequence-to-sequence evaluation generates answers (predict_with_generate).
/// </summary>
public sealed record ReplicaSettings(
    string ModelDirectory,
    ModelTask Task,
    IReadOnlyList<string> Labels,
    bool IgnoreMismatchedSizes,
    double PeakLearningRate,
    double WeightDecay,
    double AdamBeta1,
    double AdamBeta2,
    double AdamEpsilon,
    double MaxGradNorm,
    TrainingPlan Plan,
    int Seed,
    int BucketCapMb = 25,
    Generation.GenerationOptions? Generation = null)
{
    public static ReplicaSettings From(TrainOptions options, string modelDirectory, ModelTask task, IReadOnlyList<string> labels, TrainingPlan plan) =>
        new(modelDirectory, task, labels, options.IgnoreMismatchedSizes, options.ResolvedLearningRate(), options.WeightDecay,
            options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon, options.MaxGradNorm, plan, options.Seed,
            options.DdpBucketCapMb);
}
