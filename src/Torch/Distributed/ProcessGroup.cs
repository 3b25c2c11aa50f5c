using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch.Distributed;

/// <summary>
/// A c10d process group: the ranks that run collectives together. Every rank must call the same
/// collectives in the same order. Collectives change their tensors in place where PyTorch does
/// (allreduce, broadcast) and raise <see cref="TorchException"/> instead of hanging when a peer does
/// not take part within <see cref="Timeout"/>. One thread per rank drives a group.
/// </summary>
public abstract class ProcessGroup : IDisposable
{
    private IntPtr handle;

    private protected ProcessGroup(IntPtr handle, int rank, int size, TimeSpan timeout)
    {
        this.handle = TorchException.Check(handle);
        Rank = rank;
        Size = size;
        Timeout = timeout;
    }

    public int Rank { get; }
    public int Size { get; }
    public TimeSpan Timeout { get; }

    /// <summary>"gloo" or "nccl".</summary>
    public abstract string Backend { get; }

    public bool IsAborted { get; private set; }

    internal IntPtr Handle =>
        handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(GetType().Name, "the process group was disposed");

    /// <summary>Reduces <paramref name="tensor"/> across the group, in place on every rank.</summary>
    public void AllReduce(torch.Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        using var work = AllReduceAsync(tensor, op);
        work.Wait();
    }

    /// <summary>Starts an allreduce and returns at once; the tensor holds the result after <see cref="Work.Wait"/>.</summary>
    public unsafe Work AllReduceAsync(torch.Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        var handles = stackalloc IntPtr[1] { tensor.Handle };
        return new Work(NativeMethods.orc_pg_allreduce(Handle, handles, 1, (int)op), "allreduce", Timeout);
    }

    /// <summary>Reduces several tensors of one dtype (a gradient bucket) in one collective, in place.</summary>
    public void AllReduceCoalesced(IReadOnlyList<torch.Tensor> tensors, ReduceOp op = ReduceOp.Sum)
    {
        using var work = AllReduceCoalescedAsync(tensors, op);
        work.Wait();
    }

    public unsafe Work AllReduceCoalescedAsync(IReadOnlyList<torch.Tensor> tensors, ReduceOp op = ReduceOp.Sum)
    {
        var handles = HandlesOf(tensors);
        fixed (IntPtr* p = handles)
            return new Work(NativeMethods.orc_pg_allreduce_coalesced(Handle, p, handles.Length, (int)op), "allreduce_coalesced", Timeout);
    }

    /// <summary>Returns every rank's <paramref name="input"/>, indexed by rank (new tensors, owned by the current dispose scope).</summary>
    public unsafe torch.Tensor[] AllGather(torch.Tensor input)
    {
        var outputs = new IntPtr[Size];
        IntPtr workHandle;
        fixed (IntPtr* p = outputs) workHandle = NativeMethods.orc_pg_allgather(Handle, input.Handle, p);
        TorchException.ThrowIfFailed();
        var tensors = outputs.Select(h => new torch.Tensor(h)).ToArray();
        try
        {
            using var work = new Work(workHandle, "allgather", Timeout);
            work.Wait();
            return tensors;
        }
        catch
        {
            foreach (var t in tensors) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Gathers every rank's <paramref name="input"/> into <paramref name="output"/> (contiguous, Size times the
    /// input's rows, rank r's rows at r * rows), like torch.distributed.all_gather_into_tensor.
    /// </summary>
    public void AllGatherIntoTensor(torch.Tensor output, torch.Tensor input)
    {
        using var work = new Work(NativeMethods.orc_pg_allgather_into(Handle, output.Handle, input.Handle), "allgather", Timeout);
        work.Wait();
    }

    /// <summary>Copies <paramref name="root"/>'s tensor into <paramref name="tensor"/> on every rank.</summary>
    public unsafe void Broadcast(torch.Tensor tensor, int root = 0)
    {
        var handles = stackalloc IntPtr[1] { tensor.Handle };
        using var work = new Work(NativeMethods.orc_pg_broadcast(Handle, handles, 1, root), "broadcast", Timeout);
        work.Wait();
    }

    /// <summary>Returns once every rank has reached the barrier (and this rank's earlier collectives are done).</summary>
    public void Barrier()
    {
        using var work = new Work(NativeMethods.orc_pg_barrier(Handle), "barrier", Timeout);
        work.Wait();
    }

    /// <summary>
    /// Makes this rank's pending and future waits fail at once ("collective ... aborted"). Call when a peer
    /// is known dead (heartbeat lost), then dispose the group and form a new one (over a fresh
    /// <see cref="PrefixStore"/>, so keys of the old group never match).
    /// </summary>
    public void Abort()
    {
        NativeMethods.orc_pg_abort(Handle);
        TorchException.ThrowIfFailed();
        IsAborted = true;
    }

    /// <summary>
    /// Frees the group. A healthy group blocks until its queued collectives have ended; an aborted one
    /// is torn down in the background (its stuck collective ends at the group timeout), so abort first
    /// when a peer is dead. Tensors of collectives that were pending at the abort hold undefined values.
    /// </summary>
    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        var h = handle;
        handle = IntPtr.Zero;
        NativeMethods.orc_pg_free(h);
        GC.SuppressFinalize(this);
        TorchException.ThrowIfFailed();
    }

    // No finalizer: freeing a group can block on its threads, which a finalizer must never do.

    private static IntPtr[] HandlesOf(IReadOnlyList<torch.Tensor> tensors)
    {
        if (tensors.Count == 0) throw new ArgumentException("a collective needs at least one tensor", nameof(tensors));
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].Handle;
        return handles;
    }
}
