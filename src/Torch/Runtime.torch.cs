#pragma warning disable CS8981 // torch.cuda and torch.__config__ mirror PyTorch's lower-case names
using System.Runtime.InteropServices;
using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    /// <summary>The libtorch version the shim was compiled against, e.g. "1.13.0".</summary>
    public static string __version__ => Marshal.PtrToStringUTF8(NativeMethods.orc_runtime_torch_version()) ?? "";

    /// <summary>Intra-op threads (at::get_num_threads).</summary>
    public static int get_num_threads()
    {
        var n = NativeMethods.orc_get_num_threads();
        TorchException.ThrowIfFailed();
        return n;
    }

    public static void set_num_threads(int threads)
    {
        NativeMethods.orc_set_num_threads(threads);
        TorchException.ThrowIfFailed();
    }

    /// <summary>Inter-op threads (at::get_num_interop_threads).</summary>
    public static int get_num_interop_threads()
    {
        var n = NativeMethods.orc_get_num_interop_threads();
        TorchException.ThrowIfFailed();
        return n;
    }

    /// <summary>Sets the inter-op pool size; libtorch allows it once, before any inter-op work.</summary>
    public static void set_num_interop_threads(int threads)
    {
        NativeMethods.orc_set_num_interop_threads(threads);
        TorchException.ThrowIfFailed();
    }

    /// <summary>OpenBLAS's own thread count (openblas_get_num_threads), or 0 when libtorch's BLAS is not OpenBLAS.</summary>
    public static int get_blas_num_threads() => NativeMethods.orc_blas_get_num_threads();

    /// <summary>
    /// openblas_set_num_threads; false when the BLAS in use is not OpenBLAS. Setting OPENBLAS_NUM_THREADS from .NET does
    /// not reach OpenBLAS (on Unix, Environment.SetEnvironmentVariable changes only the managed copy of the environment),
    /// so a program that wants one BLAS thread says so here.
    /// </summary>
    public static bool set_blas_num_threads(int threads)
    {
        var set = NativeMethods.orc_blas_set_num_threads(threads);
        TorchException.ThrowIfFailed();
        return set;
    }

    public static partial class cuda
    {
        public static bool is_available()
        {
            var available = NativeMethods.orc_cuda_is_available();
            TorchException.ThrowIfFailed();
            return available != 0;
        }

        public static long device_count()
        {
            var count = NativeMethods.orc_cuda_device_count();
            TorchException.ThrowIfFailed();
            return count;
        }
    }

    /// <summary>torch.__config__: libtorch's own build and parallelism reports.</summary>
    public static class __config__
    {
        /// <summary>at::show_config(): compiler, CPU capability, BLAS_INFO, USE_* switches.</summary>
        public static string show() => TakeString(NativeMethods.orc_runtime_show_config());

        /// <summary>at::get_parallel_info(): threads, omp_get_max_threads(), parallel backend.</summary>
        public static string parallel_info() => TakeString(NativeMethods.orc_runtime_parallel_info());

        private static string TakeString(IntPtr text)
        {
            TorchException.ThrowIfFailed();
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
    }
}
