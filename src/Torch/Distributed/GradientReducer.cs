using System.Runtime.InteropServices;
using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch.Distributed;

/// <summary>
/// Sums gradients across the ranks of a group while backward is still running, as PyTorch's DistributedDataParallel
/// does. Parameters are put in buckets in reverse registration order, which is about the order backward produces their
/// gradients (the first bucket small so the first sum starts early: 1 MB, then 25 MB, DDP's sizes). A hook on each
/// parameter's gradient accumulator tells the reducer when its gradient is final; once every gradient of a bucket is,
/// the bucket is copied into its own buffer and its allreduce starts on the backend's thread while backward goes on.
/// Buckets start strictly in order, so every rank issues the same collectives in the same order. <see cref="Finish"/>
/// starts what is left (parameters that got no gradient), waits, and copies the sums back into the gradients.
/// </summary>
/// <remarks>
/// Gradients must stay where they are between steps (zeroed in place, as <see cref="torch.optim.FlatParameters"/>
/// keeps them). With gradient accumulation, <see cref="Arm"/> before the last micro-batch's backward only. The sums
/// are the same as one allreduce of all gradients for two ranks; with more, Gloo's ring may add in another order.
/// </remarks>
public sealed class GradientReducer : IGradientReducer
{
    public const long DefaultFirstBucketBytes = 1L << 20;
    public const long DefaultBucketBytes = 25L << 20;

    // Slots[k] is the part of Buffer that holds Parameters[k]'s gradient: views made once, so a step copies without
    // creating tensors (part of it runs inside backward).
    private sealed class Bucket(int[] parameters, torch.Tensor buffer, torch.Tensor[] slots)
    {
        public readonly int[] Parameters = parameters;
        public readonly torch.Tensor Buffer = buffer;
        public readonly torch.Tensor[] Slots = slots;
        public int Pending;
        public Work? Work;
    }

    private readonly ProcessGroup group;
    private readonly torch.Tensor[] grads;
    private readonly Bucket[] buckets;
    private readonly int[] bucketOf;
    private readonly IntPtr[] hooks;
    private readonly object gate = new();
    private GCHandle self;
    private bool armed;
    private int nextToStart;
    private Exception? hookError;

    /// <param name="parameters">In registration order; each must already have its gradient tensor (.grad).</param>
    public GradientReducer(ProcessGroup group, IReadOnlyList<torch.nn.Parameter> parameters,
        long firstBucketBytes = DefaultFirstBucketBytes, long bucketBytes = DefaultBucketBytes)
    {
        this.group = group;
        grads = parameters.Select((p, i) =>
        {
            using var grad = p.grad ?? throw new ArgumentException(
                $"parameter {i} has no gradient tensor yet; the reducer sums gradients kept in place (FlatParameters)", nameof(parameters));
            return grad.view(-1).DetachFromDisposeScope();  // flat views of the gradients, which stay where they are
        }).ToArray();
        if (grads.Select(g => g.dtype).Distinct().Count() > 1)
            throw new ArgumentException("the reducer needs gradients of one dtype", nameof(parameters));

        bucketOf = new int[grads.Length];
        var planned = new List<List<int>>();
        var current = new List<int>();
        long bytes = 0, limit = firstBucketBytes;
        for (var i = grads.Length - 1; i >= 0; i--)
        {
            current.Add(i);
            bytes += grads[i].numel() * grads[i].dtype.ElementSize();
            if (bytes < limit) continue;
            planned.Add(current);
            (current, bytes, limit) = ([], 0, bucketBytes);
        }
        if (current.Count > 0) planned.Add(current);
        buckets = planned.Select((members, b) =>
        {
            foreach (var member in members) bucketOf[member] = b;
            var buffer = torch.empty([members.Sum(m => grads[m].numel())], grads[0].dtype, grads[0].device).DetachFromDisposeScope();
            var slots = new torch.Tensor[members.Count];
            long offset = 0;
            for (var k = 0; k < members.Count; k++)
            {
                slots[k] = buffer.narrow(0, offset, grads[members[k]].numel()).DetachFromDisposeScope();
                offset += slots[k].numel();
            }
            return new Bucket(members.ToArray(), buffer, slots);
        }).ToArray();

        self = GCHandle.Alloc(this);
        hooks = new IntPtr[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
            hooks[i] = AddHook(parameters[i], i);
    }

    public int BucketCount => buckets.Length;

    /// <summary>How many buckets of the last reduction started before backward returned (the overlap).</summary>
    public int StartedDuringBackward { get; private set; }

    /// <summary>The next backward's gradients are final: reduce them as they arrive.</summary>
    public void Arm()
    {
        lock (gate)
        {
            if (armed) throw new InvalidOperationException("the reducer is already armed; call Finish after the backward");
            foreach (var bucket in buckets) bucket.Pending = bucket.Parameters.Length;
            nextToStart = 0;
            hookError = null;
            armed = true;
        }
    }

    /// <summary>Starts the buckets still waiting (gradients that never arrived), waits for all, and writes the sums back.</summary>
    public void Finish()
    {
        lock (gate)
        {
            if (!armed) throw new InvalidOperationException("Finish without Arm");
            armed = false;
            StartedDuringBackward = nextToStart;
            try
            {
                if (hookError is not null) throw new InvalidOperationException("reducing a gradient bucket failed during backward", hookError);
                while (nextToStart < buckets.Length) Start(buckets[nextToStart++]);
                foreach (var bucket in buckets)
                {
                    bucket.Work!.Wait();
                    for (var k = 0; k < bucket.Parameters.Length; k++) grads[bucket.Parameters[k]].copy_(bucket.Slots[k]);
                }
            }
            finally
            {
                foreach (var bucket in buckets)
                {
                    bucket.Work?.Dispose();
                    bucket.Work = null;
                }
            }
        }
    }

    private void OnGradientReady(int parameter)
    {
        lock (gate)
        {
            if (!armed || hookError is not null) return;
            var bucket = buckets[bucketOf[parameter]];
            bucket.Pending--;
            while (nextToStart < buckets.Length && buckets[nextToStart].Pending == 0)
                Start(buckets[nextToStart++]);
        }
    }

    private void Start(Bucket bucket)
    {
        for (var k = 0; k < bucket.Parameters.Length; k++) bucket.Slots[k].copy_(grads[bucket.Parameters[k]]);
        bucket.Work = group.AllReduceAsync(bucket.Buffer, ReduceOp.Sum);
    }

    private unsafe IntPtr AddHook(torch.nn.Parameter parameter, int index)
    {
        var hook = NativeMethods.orc_grad_ready_hook_add(parameter.Handle, index, &OnReady, GCHandle.ToIntPtr(self));
        TorchException.ThrowIfFailed();
        return hook;
    }

    // Called from inside backward (native frames below): an exception must not cross them, so it is kept for Finish.
    [UnmanagedCallersOnly]
    private static void OnReady(long parameter, IntPtr state)
    {
        var reducer = (GradientReducer)GCHandle.FromIntPtr(state).Target!;
        try
        {
            reducer.OnGradientReady((int)parameter);
        }
        catch (Exception error)
        {
            lock (reducer.gate) reducer.hookError ??= error;
        }
    }

    public void Dispose()
    {
        foreach (var hook in hooks) NativeMethods.orc_grad_ready_hook_remove(hook);
        Array.Clear(hooks);
        if (self.IsAllocated) self.Free();
        foreach (var bucket in buckets)
        {
            bucket.Work?.Dispose();
            foreach (var slot in bucket.Slots) slot.Dispose();
            bucket.Buffer.Dispose();
        }
        foreach (var grad in grads) grad.Dispose();
    }
}
