using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data;
using Orchestrator.Torch;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Tests.Models;
using Orchestrator.Worker.Training;
using Serilog.Core;

namespace Orchestrator.Worker.Tests.Training;

public class ModelReplicaTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-3)]
    public void MaxGradNormZeroMeansNoClippingAsInTheTrainer(double maxGradNorm)
    {
        using var folder = new TempFolder();
        var config = Tiny.Config("bert", labels: 3);
        using (var model = PretrainedModels.CreateRandom(config, ModelTask.TokenClassification, seed: 5))
            PretrainedModels.Save(model, folder.Path);
        var plan = TrainingPlan.Create(trainExamples: 4, worldSize: 1, perDeviceBatchSize: 4, gradientAccumulationSteps: 1, numTrainEpochs: 1);
        var settings = new ReplicaSettings(folder.Path, ModelTask.TokenClassification, config.Labels!, false, PeakLearningRate: 1e-2,
            WeightDecay: 0, 0.9, 0.999, 1e-8, maxGradNorm, plan, Seed: 42);
        using var replica = new ModelReplica(settings, Collectives.Single, Logger.None);
        var examples = Enumerable.Range(0, 4).Select(i => new EncodedExample(
            [2, 5 + i, 7, 9 + i, 3], [0, 0, 0, 0, 0], [-100, i % 3, (i + 1) % 3, 2, -100], [null, 0, 1, 2, null], i)).ToList();
        var batch = new Collator(0, LabelKind.PerToken).Collate(examples);
        var before = replica.Model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.data<float>());

        var step = replica.TrainStep([batch]);

        Assert.True(step.GradNorm > 1e-3, $"the gradient norm {step.GradNorm} should be above the clipping bound of this test");
        var after = replica.Model.Module.state_dict();
        var moved = before.Count(kv => !kv.Value.SequenceEqual(after[kv.Key].data<float>()));
        // Adam's first step moves every weight with a gradient by about the learning rate, clipped or not; zeroed
        // gradients (what clip_grad_norm_(0) would leave) would move none.
        Assert.True(moved > before.Count / 2, $"only {moved} of {before.Count} tensors changed");
    }
}
