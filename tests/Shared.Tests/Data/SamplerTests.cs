using FsCheck;
using FsCheck.Fluent;
using Orchestrator.Shared.Data;

namespace Orchestrator.Shared.Tests.Data;

public class SamplerTests
{
    [Fact]
    public void Pcg32_matches_the_reference_generator()
    {
        // pcg32-demo: pcg32_srandom_r(&rng, 42u, 54u), first six outputs.
        var random = new Pcg32(42, 54);

        Assert.Equal(new uint[] { 0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e },
            Enumerable.Range(0, 6).Select(_ => random.NextUInt()));
    }

    [Fact]
    public void Bounded_draws_stay_in_range_and_cover_it()
    {
        var random = new Pcg32(3);
        var seen = new int[7];
        for (int i = 0; i < 7000; i++)
            seen[random.NextInt(7)]++;

        Assert.All(seen, count => Assert.InRange(count, 850, 1150));
    }

    [Fact]
    public void Length_grouped_order_is_a_seeded_permutation_with_the_longest_first()
    {
        var random = new Pcg32(8);
        var lengths = Enumerable.Range(0, 500).Select(_ => 5 + random.NextInt(120)).ToArray();

        var order = LengthGroupedSampler.Order(lengths, batchSize: 8, seed: 1);

        Assert.Equal(Enumerable.Range(0, 500), order.OrderBy(i => i));
        Assert.Equal(lengths.Max(), lengths[order[0]]);
        Assert.Equal(order, LengthGroupedSampler.Order(lengths, 8, seed: 1));
        Assert.NotEqual(order, LengthGroupedSampler.Order(lengths, 8, seed: 2));
    }

    [Fact]
    public void Length_grouping_cuts_padding()
    {
        var random = new Pcg32(8);
        var lengths = Enumerable.Range(0, 2000).Select(_ => 5 + random.NextInt(120)).ToArray();
        var shuffled = new Pcg32(1).Permutation(lengths.Length);

        var plain = Collator.PaddingFraction(lengths, shuffled, 16);
        var grouped = Collator.PaddingFraction(lengths, LengthGroupedSampler.Order(lengths, 16, seed: 1), 16);

        Assert.InRange(plain, 0.3, 0.7);
        Assert.True(grouped < plain / 5, $"grouped {grouped:F3} vs shuffled {plain:F3}");
    }

    [Fact]
    public void Megabatches_are_sorted_longest_first()
    {
        var lengths = Enumerable.Range(0, 64).Select(i => (i * 37) % 50).ToArray();

        var order = LengthGroupedSampler.Order(lengths, batchSize: 4, seed: 5, megaBatchMultiplier: 2);

        for (int start = 0; start < order.Length; start += 8)
        {
            var mega = order.Skip(start).Take(8).Select(i => lengths[i]).ToArray();
            // The first megabatch's head may have been swapped with the global maximum.
            Assert.Equal(mega.Skip(1).OrderByDescending(l => l), mega.Skip(1));
        }
    }
}

public class DistributedShardPlanTests
{
    private static readonly Arbitrary<(int N, int World, int Epoch, bool DropLast)> Plans = Arb.From(
        from n in Gen.Choose(1, 300)
        from world in Gen.Choose(1, 9)
        from epoch in Gen.Choose(0, 5)
        from dropLast in Gen.Elements(false, true)
        select (n, world, epoch, dropLast));

    [Fact]
    public void Ranks_get_equal_counts_and_without_drop_last_cover_every_index()
    {
        Prop.ForAll(Plans, p =>
        {
            var plan = DistributedShardPlan.ForEpoch(p.N, p.World, seed: 42, p.Epoch, dropLast: p.DropLast);
            var shards = Enumerable.Range(0, p.World).Select(plan.IndicesFor).ToArray();
            bool equal = shards.All(s => s.Length == plan.SamplesPerRank);
            var all = shards.SelectMany(s => s).ToArray();
            bool inRange = all.All(i => i >= 0 && i < p.N);
            bool covered = p.DropLast
                ? all.Distinct().Count() == all.Length && all.Length == p.N / p.World * p.World
                : all.Distinct().Count() == p.N && all.Length == (p.N + p.World - 1) / p.World * p.World;
            return equal && inRange && covered;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Real_samples_are_disjoint_across_ranks_and_add_up_to_the_dataset()
    {
        Prop.ForAll(Plans, p =>
        {
            var plan = DistributedShardPlan.ForEpoch(p.N, p.World, seed: 7, p.Epoch);
            var real = Enumerable.Range(0, p.World)
                .SelectMany(r => plan.IndicesFor(r).Where((_, j) => !plan.IsDuplicate(r, j))).ToArray();
            var realCounts = Enumerable.Range(0, p.World).Sum(plan.RealCount);
            return real.Length == p.N && real.Distinct().Count() == p.N && realCounts == p.N;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Padding_repeats_the_start_of_the_epoch_order()
    {
        var plan = DistributedShardPlan.ForEpoch(10, 4, seed: 1, epoch: 0);
        var order = new Pcg32(1).Permutation(10);

        Assert.Equal(12, plan.TotalSize);
        Assert.Equal(order.Concat(order.Take(2)), plan.GlobalOrder);
        Assert.Equal(new[] { order[0], order[4], order[8] }, plan.IndicesFor(0));
        Assert.Equal(new[] { order[3], order[7], order[1] }, plan.IndicesFor(3));
        Assert.Equal(new[] { 3, 3, 2, 2 }, Enumerable.Range(0, 4).Select(plan.RealCount));
        Assert.True(plan.IsDuplicate(3, 2));
    }

    [Fact]
    public void Tiny_datasets_repeat_the_whole_order()
    {
        var plan = DistributedShardPlan.ForEpoch(2, 5, seed: 3, epoch: 0, shuffle: false);

        Assert.Equal(new[] { 0, 1, 0, 1, 0 }, plan.GlobalOrder);
        Assert.Equal(new[] { 1, 1, 0, 0, 0 }, Enumerable.Range(0, 5).Select(plan.RealCount));
    }

    [Fact]
    public void Epochs_shuffle_differently_and_reproducibly()
    {
        var a = DistributedShardPlan.ForEpoch(100, 2, seed: 42, epoch: 1);
        var b = DistributedShardPlan.ForEpoch(100, 2, seed: 42, epoch: 1);
        var c = DistributedShardPlan.ForEpoch(100, 2, seed: 42, epoch: 2);

        Assert.Equal(a.GlobalOrder, b.GlobalOrder);
        Assert.NotEqual(a.GlobalOrder, c.GlobalOrder);
        Assert.Equal(new Pcg32(43).Permutation(100), a.GlobalOrder);
    }

    [Fact]
    public void Sharding_a_length_grouped_order_keeps_similar_lengths_per_step()
    {
        var random = new Pcg32(4);
        var lengths = Enumerable.Range(0, 800).Select(_ => 5 + random.NextInt(120)).ToArray();
        var plan = DistributedShardPlan.FromOrder(LengthGroupedSampler.Order(lengths, 2 * 8, seed: 1), worldSize: 2);

        var rank0 = Collator.PaddingFraction(lengths, plan.IndicesFor(0), 8);

        Assert.True(rank0 < 0.1, $"padding {rank0:F3}");
    }
}
