using FsCheck;
using FsCheck.Fluent;
using Orchestrator.Shared.Config;

namespace Orchestrator.Shared.Tests.Config;

public class TrainingPlanTests
{
    [Fact]
    public void Course_ner_recipe_gives_the_trainer_step_count()
    {
        // CoNLL-2003 train (14041 sentences), batch 8, 3 epochs: the course's Trainer shows 5268 steps.
        var plan = TrainingPlan.Create(14041, worldSize: 1, perDeviceBatchSize: 8, gradientAccumulationSteps: 1, numTrainEpochs: 3);
        Assert.Equal(1756, plan.StepsPerEpoch);
        Assert.Equal(5268, plan.TotalSteps);
        Assert.Equal(0, plan.WarmupSteps);
        Assert.Equal(8, plan.TotalTrainBatchSize);
    }

    [Fact]
    public void Distributed_sampler_pads_ranks_to_equal_length()
    {
        var plan = TrainingPlan.Create(14041, worldSize: 2, perDeviceBatchSize: 8, gradientAccumulationSteps: 1, numTrainEpochs: 3);
        Assert.Equal(7021, plan.SamplesPerRank);
        Assert.Equal(878, plan.BatchesPerEpoch);
        Assert.Equal(2634, plan.TotalSteps);
        Assert.Equal(16, plan.TotalTrainBatchSize);
    }

    [Fact]
    public void Trailing_micro_batches_make_a_shorter_last_step()
    {
        var plan = TrainingPlan.Create(80, worldSize: 1, perDeviceBatchSize: 8, gradientAccumulationSteps: 4, numTrainEpochs: 2);
        Assert.Equal(10, plan.BatchesPerEpoch);
        Assert.Equal(3, plan.StepsPerEpoch);
        Assert.Equal([4, 4, 2], Enumerable.Range(0, 3).Select(plan.MicroBatchesInStep));
        Assert.Equal(6, plan.TotalSteps);
    }

    [Fact]
    public void Max_steps_overrides_epochs_and_cuts_the_last_epoch()
    {
        var plan = TrainingPlan.Create(80, 1, 8, 4, numTrainEpochs: 3, maxSteps: 10);
        Assert.Equal(10, plan.TotalSteps);
        Assert.Equal(4, plan.Epochs);
        Assert.Equal([3, 3, 3, 1], Enumerable.Range(0, 4).Select(plan.StepsInEpoch));
        Assert.Equal(3, plan.EpochOf(9));
    }

    [Fact]
    public void Warmup_ratio_rounds_up_like_get_warmup_steps()
    {
        var plan = TrainingPlan.Create(14041, 1, 8, 1, 3, warmupRatio: 0.1);
        Assert.Equal(527, plan.WarmupSteps); // ceil(526.8)
        Assert.Equal(7, TrainingPlan.Create(14041, 1, 8, 1, 3, warmupSteps: 7).WarmupSteps);
    }

    [Fact]
    public void Linear_schedule_warms_up_then_decays_to_zero()
    {
        var plan = TrainingPlan.Create(100, 1, 10, 1, 1, warmupSteps: 4); // 10 steps, 4 warmup
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0, 5 / 6.0, 4 / 6.0], Enumerable.Range(0, 7).Select(plan.LearningRateFactor));
        Assert.Equal(0.0, plan.LearningRateFactor(10));
        Assert.Equal(0.0, plan.LearningRateFactor(12));
        Assert.Equal(1e-5, plan.LearningRate(2e-5, 2), 15);
        var noWarmup = TrainingPlan.Create(100, 1, 10, 1, 1);
        Assert.Equal(1.0, noWarmup.LearningRateFactor(0));
        Assert.Equal(0.1, noWarmup.LearningRateFactor(9), 12);
    }

    [Fact]
    public void Plan_follows_options()
    {
        var plan = TrainingPlan.Create(new TrainOptions { Workers = 4, PerDeviceTrainBatchSize = 2, GradientAccumulationSteps = 2, NumTrainEpochs = 1, WarmupRatio = 0.5 }, 30);
        Assert.Equal((8, 4, 2, 1), (plan.SamplesPerRank, plan.BatchesPerEpoch, plan.StepsPerEpoch, plan.WarmupSteps));
    }

    [Fact]
    public void Every_sample_is_covered_and_the_schedule_stays_in_range()
    {
        var shapes =
            from n in Gen.Choose(1, 5000)
            from world in Gen.Choose(1, 8)
            from batch in Gen.Choose(1, 64)
            from accumulation in Gen.Choose(1, 8)
            select (n, world, batch, accumulation);
        Prop.ForAll(shapes.ToArbitrary(), shape =>
            {
                var (n, world, batch, accumulation) = shape;
                var plan = TrainingPlan.Create(n, world, batch, accumulation, 2, warmupRatio: 0.1);
                var microBatches = Enumerable.Range(0, plan.StepsPerEpoch).Sum(plan.MicroBatchesInStep);
                var factors = Enumerable.Range(0, plan.TotalSteps + 1).Select(plan.LearningRateFactor).ToArray();
                return plan.SamplesPerRank * world >= n
                       && (plan.SamplesPerRank - 1) * world < n
                       && microBatches == plan.BatchesPerEpoch
                       && plan.BatchesPerEpoch * batch >= plan.SamplesPerRank
                       && factors.All(f => f is >= 0 and <= 1)
                       && factors[^1] == 0;
            }).QuickCheckThrowOnFailure();
    }
}
