using Orchestrator.Torch.Distributed;
using static Orchestrator.Torch.torch;

namespace Orchestrator.Torch.Tests.Distributed;

public class SharedMemoryAllReduceTests
{
    private static readonly long Capacity = 1L << 20;

    [Fact]
    public void SumsToTheBitWhatGlooSumsOnEveryRank()
    {
        // An element count that is no multiple of the vector width, float32 and float64.
        var results = TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, Capacity)!;
            Assert.NotNull(shared);
            using var generator = new Generator(7 + (ulong)group.Rank);
            var singles = randn([100_003], generator);
            var doubles = randn([1_001], generator, ScalarType.Float64);
            var (glooSingles, glooDoubles) = (singles.clone(), doubles.clone());
            group.AllReduce(glooSingles);
            group.AllReduce(glooDoubles);
            var before = singles.data<float>();
            shared.Sum(singles);
            shared.Sum(doubles);
            Assert.NotEqual(before, singles.data<float>());
            Assert.Equal(glooSingles.data<float>(), singles.data<float>());
            Assert.Equal(glooDoubles.data<double>(), doubles.data<double>());
            return singles.data<float>();
        });
        Assert.Equal(results[0], results[1]);
    }

    [Fact]
    public void ATensorInItsOwnSlotIsSummedWhereItLies()
    {
        var results = TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, Capacity)!;
            using var slot = shared.SlotTensor(ScalarType.Float32, 10_001);
            Assert.Equal(0f, slot.abs().sum().item<float>());
            using var generator = new Generator(11 + (ulong)group.Rank);
            slot.copy_(randn([10_001], generator));
            var gloo = slot.clone();
            group.AllReduce(gloo);
            shared.Sum(slot);
            Assert.Equal(gloo.data<float>(), slot.data<float>());

            // A step's small sums go to the slot's scratch, never over the tensor living in it; a large copied
            // tensor would, and is refused.
            var before = slot.data<float>();
            var small = torch.tensor(new double[] { 1.5 + group.Rank, 10 });
            shared.Sum(small);
            Assert.Equal([4.0, 20.0], small.data<double>());
            Assert.Equal(before, slot.data<float>());
            Assert.Throws<ArgumentException>(() => shared.Sum(zeros([2_000])));
            return slot.data<float>();
        });
        Assert.Equal(results[0], results[1]);
    }

    [Fact]
    public void ThreeRanksAddInRankOrderAndAgreeToTheBit()
    {
        // Float addition is not associative: (a0 + a1) + a2 is what every rank must hold, whoever summed the element.
        static Tensor Values(int rank) => randn([50_000], new Generator(30 + (ulong)rank)).mul(Math.Pow(10, 3 * rank));
        var results = TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, Capacity)!;
            var mine = Values(group.Rank);
            for (var step = 0; step < 3; step++)
            {
                var t = mine.clone();
                shared.Sum(t);
                if (step == 2) return t.data<float>();
            }
            throw new InvalidOperationException("unreachable");
        }, size: 3);
        using var expected = Values(0).add(Values(1)).add(Values(2));
        foreach (var sum in results) Assert.Equal(expected.data<float>(), sum);
    }

    [Fact]
    public void TheSegmentFileIsGoneOnceEveryRankMappedIt()
    {
        var paths = TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, Capacity)!;
            group.Barrier();   // the other rank is past setup too
            var t = ones([10]);
            shared.Sum(t);     // still works from the mapping
            Assert.Equal(2f, t.data<float>()[9]);
            return shared.SegmentPath;
        });
        Assert.Equal(paths[0], paths[1]);
        Assert.StartsWith("/dev/shm/orchestrator-allreduce-", paths[0]);
        Assert.False(File.Exists(paths[0]), $"{paths[0]} was left behind");
    }

    [Fact]
    public void ARankThatDoesNotWantItMeansNoRankUsesIt()
    {
        var created = TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, Capacity, wanted: group.Rank == 0);
            return shared is not null;
        });
        Assert.Equal([false, false], created);
    }

    [Fact]
    public void AnAbortEndsAWaitForALostPeerAtOnce()
    {
        SharedMemoryAllReduce? rankZero = null;
        var outcomes = TwoRanks.Run(group =>
        {
            var shared = SharedMemoryAllReduce.TryCreate(group, Capacity)!;
            try
            {
                if (group.Rank == 1)
                {
                    // Plays the mailbox of rank 0's worker, told that rank 1 is lost: rank 1 never sums.
                    Thread.Sleep(300);
                    Volatile.Read(ref rankZero)!.Abort();
                    return "";
                }
                Volatile.Write(ref rankZero, shared);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var error = Assert.Throws<TorchException>(() => shared.Sum(ones([4])));
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the abort took {watch.Elapsed.TotalSeconds:F1} s");
                return error.Message;
            }
            finally
            {
                group.Barrier();
                shared.Dispose();
            }
        }, groupTimeout: TimeSpan.FromSeconds(30));
        Assert.Contains("aborted", outcomes[0]);
    }

    [Fact]
    public void APeersAbortEndsEveryRanksWait()
    {
        // Rank 1's worker learns of a lost peer first and aborts its own side: rank 0, waiting in a sum, is told
        // through the segment rather than at the group's timeout.
        var outcomes = TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, Capacity)!;
            if (group.Rank == 1)
            {
                Thread.Sleep(300);
                shared.Abort();
                return "";
            }
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var error = Assert.Throws<TorchException>(() => shared.Sum(ones([4])));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the abort took {watch.Elapsed.TotalSeconds:F1} s");
            return error.Message;
        }, groupTimeout: TimeSpan.FromSeconds(30));
        Assert.Contains("aborted by another rank", outcomes[0]);
    }

    [Fact]
    public void ASegmentLargerThanSharedMemoryIsNotUsed()
    {
        // posix_fallocate reserves the pages up front: too little room means Gloo, not a SIGBUS at the first write.
        var tooLarge = new DriveInfo("/dev/shm").AvailableFreeSpace + (1L << 30);
        var created = TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, tooLarge / 2);
            return shared is not null;
        });
        Assert.Equal([false, false], created);
    }

    [Fact]
    public void APeerThatNeverArrivesTimesOut()
    {
        var outcomes = TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, Capacity)!;
            // Rank 1 leaves at once (its mapping goes; rank 0's stays).
            return group.Rank == 0 ? Assert.Throws<TorchException>(() => shared.Sum(ones([4]))).Message : "";
        }, groupTimeout: TimeSpan.FromSeconds(1));
        Assert.Contains("timed out", outcomes[0]);
        Assert.Contains("rank 1", outcomes[0]);
    }

    [Fact]
    public void ATensorLargerThanTheSlotsIsRefused()
    {
        TwoRanks.Run(group =>
        {
            using var shared = SharedMemoryAllReduce.TryCreate(group, 1 << 16)!;
            var error = Assert.Throws<ArgumentException>(() => shared.Sum(ones([shared.Capacity / 4 + 1])));
            Assert.Contains("does not fit", error.Message);
            return 0;
        });
    }
}
