namespace Orchestrator.Shared.Data;

/// <summary>
/// PyTorch DistributedSampler semantics for one epoch: a permutation of the dataset seeded with
/// seed + epoch (<see cref="Pcg32"/>), or 0..n-1 without shuffling; without drop-last it is padded to a
/// multiple of the world size by repeating indices from its start, with drop-last cut down to one;
/// rank k takes positions k, k+W, k+2W, ... Every rank gets the same count, so collectives never
/// wait on a rank that has run out of batches. Positions at or past the dataset length are padding
/// duplicates: evaluation must drop them (see <see cref="IsDuplicate"/>, <see cref="RealCount"/>).
/// </summary>
public sealed class DistributedShardPlan
{
    private readonly int[] _order;

    private DistributedShardPlan(int datasetLength, int worldSize, int[] order, bool dropLast)
    {
        DatasetLength = datasetLength;
        WorldSize = worldSize;
        DropLast = dropLast;
        SamplesPerRank = dropLast && datasetLength % worldSize != 0
            ? (datasetLength - worldSize + worldSize - 1) / worldSize
            : (datasetLength + worldSize - 1) / worldSize;
        TotalSize = SamplesPerRank * worldSize;
        _order = new int[TotalSize];
        for (int p = 0; p < TotalSize; p++)
            _order[p] = order[p % datasetLength];
    }

    public int DatasetLength { get; }
    public int WorldSize { get; }
    public bool DropLast { get; }
    /// <summary>Indices each rank gets (equal for all ranks).</summary>
    public int SamplesPerRank { get; }
    /// <summary>SamplesPerRank * WorldSize: the padded (or cut) epoch length.</summary>
    public int TotalSize { get; }
    /// <summary>The epoch's global order after padding or cutting.</summary>
    public IReadOnlyList<int> GlobalOrder => _order;

    /// <param name="shuffle">False gives 0..n-1 (evaluation).</param>
    public static DistributedShardPlan ForEpoch(int datasetLength, int worldSize, ulong seed, int epoch, bool shuffle = true, bool dropLast = false)
    {
        Validate(datasetLength, worldSize);
        var order = shuffle ? new Pcg32(seed + (ulong)epoch).Permutation(datasetLength) : Enumerable.Range(0, datasetLength).ToArray();
        return new DistributedShardPlan(datasetLength, worldSize, order, dropLast);
    }

    /// <summary>Shards a given epoch order (e.g. <see cref="LengthGroupedSampler.Order"/>): consecutive
    /// positions go to different ranks, so the ranks' i-th batches have similar lengths too.</summary>
    public static DistributedShardPlan FromOrder(IReadOnlyList<int> order, int worldSize, bool dropLast = false)
    {
        Validate(order.Count, worldSize);
        return new DistributedShardPlan(order.Count, worldSize, order.ToArray(), dropLast);
    }

    private static void Validate(int datasetLength, int worldSize)
    {
        if (worldSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "must be positive");
        if (datasetLength <= 0)
            throw new ArgumentOutOfRangeException(nameof(datasetLength), datasetLength, "an epoch needs at least one example");
    }

    /// <summary>The dataset indices of <paramref name="rank"/>, in order.</summary>
    public int[] IndicesFor(int rank)
    {
        CheckRank(rank);
        var result = new int[SamplesPerRank];
        for (int j = 0; j < SamplesPerRank; j++)
            result[j] = _order[rank + j * WorldSize];
        return result;
    }

    /// <summary>Whether the <paramref name="position"/>-th index of <paramref name="rank"/> repeats one
    /// that is already in the epoch (padding).</summary>
    public bool IsDuplicate(int rank, int position)
    {
        CheckRank(rank);
        return rank + (long)position * WorldSize >= DatasetLength;
    }

    /// <summary>How many of <paramref name="rank"/>'s indices are not padding duplicates; the real ones
    /// come first.</summary>
    public int RealCount(int rank)
    {
        CheckRank(rank);
        int count = 0;
        for (int j = 0; j < SamplesPerRank; j++)
            if (!IsDuplicate(rank, j))
                count++;
        return count;
    }

    private void CheckRank(int rank)
    {
        if (rank < 0 || rank >= WorldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"world size is {WorldSize}");
    }
}
