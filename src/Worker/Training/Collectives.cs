using Orchestrator.Torch;
using Orchestrator.Torch.Distributed;

namespace Orchestrator.Worker.Training;

/// <summary>
/// The collectives a replica needs, over a c10d process group, or a no-op for a world of one so a
/// single worker (and `orchestrator evaluate`) runs the same code path without a store.
/// </summary>
public sealed class Collectives(ProcessGroup? group) : IDisposable
{
    public static Collectives Single { get; } = new(null);

    public int Rank => group?.Rank ?? 0;
    public int WorldSize => group?.Size ?? 1;

    /// <summary>
    /// A reducer that sums these parameters' gradients across ranks in buckets while backward runs (DDP's overlap);
    /// null for a world of one, where there is nothing to sum.
    /// </summary>
    public GradientReducer? CreateGradientReducer(IReadOnlyList<torch.nn.Parameter> parameters, int bucketCapMb) =>
        group is null ? null : new GradientReducer(group, parameters, bucketBytes: (long)bucketCapMb << 20);

    /// <summary>Sums a few numbers across ranks (one small allreduce).</summary>
    public double[] Sum(params double[] values)
    {
        if (group is null) return values;
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(values);
        group.AllReduce(t, ReduceOp.Sum);
        return t.data<double>();
    }

    /// <summary>Every rank's copy of <paramref name="input"/>, in rank order (equal shapes required).</summary>
    public torch.Tensor[] AllGather(torch.Tensor input) => group is null ? [input] : group.AllGather(input);

    /// <summary>Makes every rank's tensor equal to rank 0's.</summary>
    public void BroadcastFromRankZero(torch.Tensor tensor) => group?.Broadcast(tensor, root: 0);

    /// <summary>
    /// A peer is known dead: this rank's pending and later collectives fail at once (called from the worker's
    /// mailbox while its compute thread may be waiting in one). Dispose afterwards.
    /// </summary>
    public void Abort()
    {
        if (group is { IsAborted: false }) group.Abort();
    }

    public void Dispose() => group?.Dispose();
}
