#pragma warning disable CS8981 // torch.distributed mirrors PyTorch's lower-case names
using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    /// <summary>Availability of the c10d backends in this build (torch.distributed's functions of the same names).</summary>
    public static partial class distributed
    {
        public static bool is_available() => true;

        /// <summary>The shim always compiles the Gloo process group (it ships with every libtorch).</summary>
        public static bool is_gloo_available() => true;

        /// <summary>True when the shim was built against a CUDA libtorch with USE_C10D_NCCL.</summary>
        public static bool is_nccl_available() => NativeMethods.orc_nccl_available() != 0;
    }
}
