using System.Runtime.InteropServices;
using System.Text;
using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch.Distributed;

/// <summary>
/// A c10d key-value store shared by the ranks of a group (rendezvous and small messages).
/// Reads block until the key exists or <see cref="Timeout"/> passes, then raise <see cref="TorchException"/>.
/// </summary>
public abstract class Store : IDisposable
{
    private IntPtr handle;
    private TimeSpan timeout;

    private protected Store(IntPtr handle, TimeSpan timeout)
    {
        this.handle = TorchException.Check(handle);
        this.timeout = timeout;
    }

    internal IntPtr Handle =>
        handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(GetType().Name, "the store was disposed");

    /// <summary>How long <see cref="Get"/> and <see cref="Add"/> wait for the key or the server.</summary>
    public TimeSpan Timeout
    {
        get => timeout;
        set
        {
            NativeMethods.orc_store_set_timeout(Handle, ToMilliseconds(value));
            TorchException.ThrowIfFailed();
            timeout = value;
        }
    }

    public unsafe void Set(string key, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value) NativeMethods.orc_store_set(Handle, key, p, value.Length);
        TorchException.ThrowIfFailed();
    }

    public void Set(string key, string value) => Set(key, Encoding.UTF8.GetBytes(value));

    /// <summary>The value of <paramref name="key"/>, waiting for it to be set up to <see cref="Timeout"/>.</summary>
    public byte[] Get(string key)
    {
        var bytes = NativeMethods.orc_store_get(Handle, key);
        TorchException.ThrowIfFailed();
        try
        {
            var size = NativeMethods.orc_bytes_size(bytes);
            var result = new byte[size];
            if (size > 0) Marshal.Copy(NativeMethods.orc_bytes_data(bytes), result, 0, (int)size);
            return result;
        }
        finally
        {
            NativeMethods.orc_bytes_free(bytes);
        }
    }

    public string GetString(string key) => Encoding.UTF8.GetString(Get(key));

    /// <summary>Atomically adds <paramref name="delta"/> to the counter at <paramref name="key"/> (created at 0) and returns the new value.</summary>
    public long Add(string key, long delta)
    {
        var value = NativeMethods.orc_store_add(Handle, key, delta);
        TorchException.ThrowIfFailed();
        return value;
    }

    /// <summary>True when every key exists (does not wait).</summary>
    public bool Check(params string[] keys)
    {
        var found = NativeMethods.orc_store_check(Handle, keys, keys.Length);
        TorchException.ThrowIfFailed();
        return found != 0;
    }

    public bool Delete(string key)
    {
        var deleted = NativeMethods.orc_store_delete(Handle, key);
        TorchException.ThrowIfFailed();
        return deleted != 0;
    }

    public long NumKeys
    {
        get
        {
            var count = NativeMethods.orc_store_num_keys(Handle);
            TorchException.ThrowIfFailed();
            return count;
        }
    }

    /// <summary>Waits until every key exists; raises after <paramref name="timeout"/> (default: <see cref="Timeout"/>).</summary>
    public void Wait(IReadOnlyCollection<string> keys, TimeSpan? timeout = null)
    {
        var array = keys.ToArray();
        NativeMethods.orc_store_wait(Handle, array, array.Length, ToMilliseconds(timeout ?? Timeout));
        TorchException.ThrowIfFailed();
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        NativeMethods.orc_store_free(handle);
        handle = IntPtr.Zero;
        GC.SuppressFinalize(this);
    }

    ~Store()
    {
        if (handle != IntPtr.Zero) NativeMethods.orc_store_free(handle);
    }

    internal static long ToMilliseconds(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a timeout must be positive");
        return (long)Math.Ceiling(timeout.TotalMilliseconds);
    }
}
