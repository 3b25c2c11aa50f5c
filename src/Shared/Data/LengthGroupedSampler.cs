namespace Orchestrator.Shared.Data;

/// <summary>
/// Hugging Face's LengthGroupedSampler order (trainer_pt_utils.get_length_grouped_indices): a seeded
/// permutation cut into megabatches of <c>megaBatchMultiplier * batchSize</c> (default
/// min(n / (4 * batchSize), 50), at least 1), each sorted by length, longest first (stable); the longest
/// example overall is swapped to the very front so an out-of-memory shows up in the first step.
/// Batches cut from this order hold examples of similar length, so dynamic padding adds little.
/// Randomness comes from <see cref="Pcg32"/>, so the order is reproducible from (seed, epoch).
/// </summary>
public static class LengthGroupedSampler
{
    public static int[] Order(IReadOnlyList<int> lengths, int batchSize, ulong seed, int? megaBatchMultiplier = null)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be positive");
        int n = lengths.Count;
        if (n == 0)
            return Array.Empty<int>();
        int multiplier = megaBatchMultiplier ?? Math.Max(1, Math.Min(n / (batchSize * 4), 50));
        int megaBatch = multiplier * batchSize;
        var permutation = new Pcg32(seed).Permutation(n);
        var megabatches = new List<int[]>();
        for (int start = 0; start < n; start += megaBatch)
        {
            var chunk = permutation.Skip(start).Take(megaBatch).ToArray();
            // OrderByDescending is stable, like Python's sorted(reverse=True).
            megabatches.Add(chunk.OrderByDescending(i => lengths[i]).ToArray());
        }
        int longest = 0;
        for (int m = 1; m < megabatches.Count; m++)
            if (lengths[megabatches[m][0]] > lengths[megabatches[longest][0]])
                longest = m;
        (megabatches[0][0], megabatches[longest][0]) = (megabatches[longest][0], megabatches[0][0]);
        return megabatches.SelectMany(m => m).ToArray();
    }
}
