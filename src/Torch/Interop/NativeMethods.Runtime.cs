using System.Runtime.InteropServices;

namespace Orchestrator.Torch.Interop;

// Version, build configuration, threads and devices (native/src/runtime_info.cpp).
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial IntPtr orc_runtime_torch_version();
    [LibraryImport(Lib)] internal static partial IntPtr orc_runtime_show_config();
    [LibraryImport(Lib)] internal static partial IntPtr orc_runtime_parallel_info();
    [LibraryImport(Lib)] internal static partial int orc_get_num_threads();
    [LibraryImport(Lib)] internal static partial void orc_set_num_threads(int threads);
    [LibraryImport(Lib)] internal static partial int orc_get_num_interop_threads();
    [LibraryImport(Lib)] internal static partial void orc_set_num_interop_threads(int threads);
    [LibraryImport(Lib)] internal static partial int orc_blas_get_num_threads();
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool orc_blas_set_num_threads(int threads);
    [LibraryImport(Lib)] internal static partial int orc_cuda_is_available();
    [LibraryImport(Lib)] internal static partial long orc_cuda_device_count();
}
