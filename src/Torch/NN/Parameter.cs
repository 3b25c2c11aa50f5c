using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// A tensor that a module owns and trains (requires_grad by default). It shares storage with the
        /// tensor it was made from and belongs to no dispose scope: its module disposes it.
        /// </summary>
        public sealed class Parameter : Tensor
        {
            public Parameter(Tensor data, bool requires_grad = true)
                : base(NativeMethods.orc_detach(data.Handle))
            {
                DetachFromDisposeScope();
                this.requires_grad = requires_grad;
            }

            /// <summary>The flat buffers this parameter lives in, if any (its .grad must stay a view of them).</summary>
            internal optim.FlatParameters? Flat { get; set; }
        }
    }
}
