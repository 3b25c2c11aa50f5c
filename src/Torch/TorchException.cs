using System.Runtime.InteropServices;
using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

/// <summary>An error raised inside libtorch (any C++ exception), carried across the shim with its message.</summary>
public sealed class TorchException(string message) : Exception(message)
{
    /// <summary>Throws if the last shim call on this thread failed. Call right after every native call.</summary>
    internal static void ThrowIfFailed()
    {
        var error = NativeMethods.orc_last_error();
        if (error != IntPtr.Zero)
            throw new TorchException(Marshal.PtrToStringUTF8(error) ?? "unknown libtorch error");
    }

    /// <summary>Checks a handle-returning call: a null handle always comes with an error.</summary>
    internal static IntPtr Check(IntPtr handle)
    {
        ThrowIfFailed();
        if (handle == IntPtr.Zero) throw new TorchException("libtorch returned no tensor");
        return handle;
    }
}
