using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch.Distributed;

/// <summary>
/// An in-flight collective. <see cref="Wait"/> returns once the results are in the tensors, or raises
/// <see cref="TorchException"/> when the collective fails or does not finish within the timeout.
/// The native side keeps the tensors alive until the collective ends, even if they are disposed.
/// </summary>
public sealed class Work : IDisposable
{
    private IntPtr handle;

    internal Work(IntPtr handle, string operation, TimeSpan timeout)
    {
        this.handle = TorchException.Check(handle);
        Operation = operation;
        Timeout = timeout;
    }

    public string Operation { get; }

    /// <summary>The group's timeout, used by <see cref="Wait"/> when none is given.</summary>
    public TimeSpan Timeout { get; }

    private IntPtr Handle =>
        handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Work), "the work was disposed");

    public bool IsCompleted
    {
        get
        {
            var completed = NativeMethods.orc_work_is_completed(Handle);
            TorchException.ThrowIfFailed();
            return completed != 0;
        }
    }

    /// <summary>Blocks until the collective is done; raises on failure or after <paramref name="timeout"/> (default: the group's).</summary>
    public void Wait(TimeSpan? timeout = null)
    {
        NativeMethods.orc_work_wait(Handle, Store.ToMilliseconds(timeout ?? Timeout));
        TorchException.ThrowIfFailed();
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        NativeMethods.orc_work_free(handle);
        handle = IntPtr.Zero;
        GC.SuppressFinalize(this);
    }

    ~Work()
    {
        if (handle != IntPtr.Zero) NativeMethods.orc_work_free(handle);
    }
}
