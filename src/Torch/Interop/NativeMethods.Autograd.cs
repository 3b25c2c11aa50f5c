using System.Runtime.InteropServices;

namespace Orchestrator.Torch.Interop;

// Declarations of native/src/{autograd,grad_hooks,random,optim}.cpp.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int orc_requires_grad(IntPtr a);
    [LibraryImport(Lib)] internal static partial void orc_set_requires_grad(IntPtr a, [MarshalAs(UnmanagedType.U1)] bool value);
    [LibraryImport(Lib)] internal static partial int orc_is_leaf(IntPtr a);
    [LibraryImport(Lib)] internal static partial IntPtr orc_grad_fn_name(IntPtr a);
    [LibraryImport(Lib)] internal static partial void orc_backward(IntPtr a, IntPtr gradient, [MarshalAs(UnmanagedType.U1)] bool retainGraph, [MarshalAs(UnmanagedType.U1)] bool createGraph);
    [LibraryImport(Lib)] internal static partial IntPtr orc_grad(IntPtr a);
    [LibraryImport(Lib)] internal static partial IntPtr orc_grad_ready_hook_add(IntPtr leaf, long id, delegate* unmanaged<long, IntPtr, void> callback, IntPtr state);
    [LibraryImport(Lib)] internal static partial void orc_grad_ready_hook_remove(IntPtr hook);
    [LibraryImport(Lib)] internal static partial void orc_set_grad(IntPtr a, IntPtr grad);
    [LibraryImport(Lib)] internal static partial IntPtr orc_detach(IntPtr a);
    [LibraryImport(Lib)] internal static partial void orc_detach_(IntPtr a);
    [LibraryImport(Lib)] internal static partial void orc_set_data(IntPtr a, IntPtr data);
    [LibraryImport(Lib)] internal static partial int orc_is_grad_enabled();
    [LibraryImport(Lib)] internal static partial void orc_set_grad_enabled([MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(Lib)] internal static partial IntPtr orc_generator_new(ulong seed);
    [LibraryImport(Lib)] internal static partial void orc_generator_free(IntPtr generator);
    [LibraryImport(Lib)] internal static partial void orc_generator_manual_seed(IntPtr generator, ulong seed);
    [LibraryImport(Lib)] internal static partial ulong orc_generator_initial_seed(IntPtr generator);
    [LibraryImport(Lib)] internal static partial IntPtr orc_generator_get_state(IntPtr generator);
    [LibraryImport(Lib)] internal static partial void orc_generator_set_state(IntPtr generator, IntPtr state);

    [LibraryImport(Lib)] internal static partial void orc_adamw_step(IntPtr param, IntPtr grad, IntPtr expAvg, IntPtr expAvgSq, long step, double lr, double beta1, double beta2, double eps, double weightDecay);
    [LibraryImport(Lib)] internal static partial double orc_clip_grad_norm_flat(IntPtr grad, double maxNorm);
    [LibraryImport(Lib)] internal static partial double orc_clip_grad_norm(IntPtr* grads, long n, double maxNorm);
}
