using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public static class utils
        {
            /// <summary>
            /// torch.nn.utils.clip_grad_norm_ (2-norm), computed as PyTorch 1.13 does (norm of per-tensor norms,
            /// one shared clip coefficient). Parameters without a gradient are skipped. Returns the total norm.
            /// For flat buffers use <see cref="optim.FlatParameters.clip_grad_norm_"/> (one norm, one multiply).
            /// </summary>
            public static unsafe double clip_grad_norm_(IEnumerable<Tensor> parameters, double max_norm)
            {
                using var scope = NewDisposeScope();
                var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!.Handle).ToArray();
                fixed (IntPtr* h = grads)
                {
                    var total = NativeMethods.orc_clip_grad_norm(h, grads.Length, max_norm);
                    TorchException.ThrowIfFailed();
                    return total;
                }
            }
        }
    }
}
