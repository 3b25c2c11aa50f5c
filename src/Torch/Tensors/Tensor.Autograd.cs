using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

// Autograd on tensors: requires_grad, backward, .grad, detach.
public static partial class torch
{
    public partial class Tensor
    {
        public bool requires_grad
        {
            get
            {
                var r = NativeMethods.orc_requires_grad(Handle);
                TorchException.ThrowIfFailed();
                return r == 1;
            }
            set
            {
                NativeMethods.orc_set_requires_grad(Handle, value);
                TorchException.ThrowIfFailed();
            }
        }

        public Tensor requires_grad_(bool requires_grad = true)
        {
            this.requires_grad = requires_grad;
            return this;
        }

        public bool is_leaf
        {
            get
            {
                var r = NativeMethods.orc_is_leaf(Handle);
                TorchException.ThrowIfFailed();
                return r == 1;
            }
        }

        /// <summary>The name of the autograd node that produced this tensor (PyTorch's <c>grad_fn.name()</c>), null for none.</summary>
        public string? grad_fn_name
        {
            get
            {
                var name = NativeMethods.orc_grad_fn_name(Handle);
                TorchException.ThrowIfFailed();
                var text = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(name);
                return string.IsNullOrEmpty(text) ? null : text;
            }
        }

        /// <summary>
        /// Back-propagates from this tensor; <paramref name="gradient"/> is required for non-scalars. As in PyTorch,
        /// <paramref name="retain_graph"/> defaults to <paramref name="create_graph"/>.
        /// </summary>
        public void backward(Tensor? gradient = null, bool? retain_graph = null, bool create_graph = false)
        {
            NativeMethods.orc_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retain_graph ?? create_graph, create_graph);
            TorchException.ThrowIfFailed();
        }

        /// <summary>
        /// The accumulated gradient, or null. Each read returns a new handle to the same gradient tensor,
        /// owned by the current dispose scope (or by the caller), like every other tensor result.
        /// Setting null clears it (zero_grad with set_to_none).
        /// </summary>
        public Tensor? grad
        {
            get
            {
                var h = NativeMethods.orc_grad(Handle);
                TorchException.ThrowIfFailed();
                return h == IntPtr.Zero ? null : new Tensor(h);
            }
            set
            {
                NativeMethods.orc_set_grad(Handle, value?.Handle ?? IntPtr.Zero);
                TorchException.ThrowIfFailed();
            }
        }

        public Tensor detach() => W(NativeMethods.orc_detach(Handle));
        public Tensor detach_() { NativeMethods.orc_detach_(Handle); return InPlace(); }

        /// <summary>Python's <c>t.data = source</c>: new storage, same autograd identity.</summary>
        internal void SetData(Tensor source)
        {
            NativeMethods.orc_set_data(Handle, source.Handle);
            TorchException.ThrowIfFailed();
        }
    }

    public static bool is_grad_enabled()
    {
        var r = NativeMethods.orc_is_grad_enabled();
        TorchException.ThrowIfFailed();
        return r == 1;
    }

    public static void set_grad_enabled(bool enabled)
    {
        NativeMethods.orc_set_grad_enabled(enabled);
        TorchException.ThrowIfFailed();
    }

    /// <summary>Disables gradient recording on this thread until disposed (thread-local, like PyTorch's GradMode).</summary>
    public static GradModeScope no_grad() => new(false);

    /// <summary>Enables gradient recording on this thread until disposed.</summary>
    public static GradModeScope enable_grad() => new(true);

    /// <summary>Restores the previous grad mode of its thread when disposed.</summary>
    public sealed class GradModeScope : IDisposable
    {
        private readonly bool previous;
        private bool disposed;

        internal GradModeScope(bool enabled)
        {
            previous = is_grad_enabled();
            set_grad_enabled(enabled);
        }

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            set_grad_enabled(previous);
        }
    }
}
