using System.Runtime.InteropServices;

namespace Orchestrator.Torch.Interop;

/// <summary>
/// P/Invoke declarations of the C++ shim (native/src). Every call is followed by
/// <see cref="TorchException.ThrowIfFailed"/> in the managed wrapper that makes it.
/// Split across files by topic (NativeMethods.*.cs), mirroring native/src/*.cpp.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Lib = "orchestrator_torch";

    [LibraryImport(Lib)] internal static partial IntPtr orc_last_error();
    [LibraryImport(Lib)] internal static partial long orc_live_tensors();

    [LibraryImport(Lib)] internal static partial void orc_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial int orc_tensor_dtype(IntPtr t);
    [LibraryImport(Lib)] internal static partial long orc_tensor_dim(IntPtr t);
    [LibraryImport(Lib)] internal static unsafe partial long orc_tensor_sizes(IntPtr t, long* output, long capacity);
    [LibraryImport(Lib)] internal static partial long orc_tensor_numel(IntPtr t);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr orc_tensor_from_data(void* data, long byteCount, int dtype, long* sizes, long ndim);
    [LibraryImport(Lib)] internal static unsafe partial void orc_tensor_copy_to(IntPtr t, void* output, long byteCount);
    [LibraryImport(Lib)] internal static unsafe partial void* orc_tensor_data_ptr(IntPtr t);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr orc_tensor_from_blob(void* data, int dtype, long* sizes, long ndim);
    [LibraryImport(Lib)] internal static partial IntPtr orc_add(IntPtr a, IntPtr b, double alpha);
}
