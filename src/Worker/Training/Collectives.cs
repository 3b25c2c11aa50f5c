using Orchestrator.Torch;
using Orchestrator.Torch.Distributed;

namespace Orchestrator.Worker.Training;

/// <summary>
/// The collectives a replica needs, over a c10d process group, or a no-op for a world of one so a
/// single worker (and `orchestrator evaluate`) runs the same code path without a store.
/// </summary>
/// <param name="sharedMemory">Whether this rank votes for sums through shared memory when every rank is on this
/// machine (<see cref="CreateGradientReducer"/>); false keeps every sum on the group's backend.</param>
public sealed class Collectives(ProcessGroup? group, bool sharedMemory = true) : IDisposable
{
    public static Collectives Single { get; } = new(null);

    /// <summary>Set to 1 to keep every sum on the group's backend when the ranks share a machine (as NCCL_SHM_DISABLE).</summary>
    public const string SharedMemoryDisableVariable = "ORCHESTRATOR_SHM_DISABLE";

    /// <summary>What <see cref="SharedMemoryDisableVariable"/> asks of this process.</summary>
    public static bool SharedMemoryAllowed => Environment.GetEnvironmentVariable(SharedMemoryDisableVariable) != "1";

    // Sums through shared memory when every rank is on this machine (set up with the gradient reducer), else null.
    private SharedMemoryAllReduce? shared;

    public int Rank => group?.Rank ?? 0;
    public int WorldSize => group?.Size ?? 1;

    /// <summary>
    /// The reducer of a replica's flat gradient (every rank calls this at the same point: it is a collective). When
    /// every rank shares this machine's memory and the gradient is on the CPU, the gradient moves into this rank's
    /// shared memory slot and is summed there (with <see cref="Sum"/>'s numbers); otherwise Gloo sums the parameters'
    /// gradients in buckets while backward runs (DDP's overlap). Null for a world of one, where there is nothing to
    /// sum. Call it before making an optimizer over <paramref name="flat"/>.
    /// </summary>
    public IGradientReducer? CreateGradientReducer(torch.optim.FlatParameters flat, IReadOnlyList<torch.nn.Parameter> parameters, int bucketCapMb)
    {
        if (group is null) return null;
        // The slot holds a replica's gradient for the segment's life: one replica per group.
        if (shared is not null) throw new InvalidOperationException("this group already has a replica's gradient reducer");
        var wanted = sharedMemory && flat.Grad.device.type == DeviceType.CPU;
        shared = SharedMemoryAllReduce.TryCreate(group, flat.Grad.ByteCount, wanted);
        if (shared is null) return new GradientReducer(group, parameters, bucketBytes: (long)bucketCapMb << 20);
        flat.MoveGradientTo(shared.SlotTensor(flat.Grad.dtype, flat.Count));
        return new SharedMemoryGradientReducer(shared, flat.Grad);
    }

    /// <summary>Whether sums go through shared memory (<see cref="CreateGradientReducer"/>).</summary>
    public bool SumsInSharedMemory => shared is not null;

    /// <summary>What sums go through, for the log: nothing (a world of one), shared memory, or the group's backend.</summary>
    public string SumTransport => group is null ? "nothing" : shared is not null ? "shared memory" : group.Backend;

    /// <summary>Sums a few numbers across ranks (one small allreduce).</summary>
    public double[] Sum(params double[] values)
    {
        if (group is null) return values;
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(values);
        if (shared is not null && t.ByteCount <= shared.Capacity) shared.Sum(t);
        else group.AllReduce(t, ReduceOp.Sum);
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
        shared?.Abort();
        if (group is { IsAborted: false }) group.Abort();
    }

    public void Dispose()
    {
        shared?.Dispose();
        group?.Dispose();
    }
}
