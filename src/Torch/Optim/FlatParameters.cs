using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>
        /// Moves parameters into one contiguous buffer (<see cref="Data"/>) and their gradients into another
        /// (<see cref="Grad"/>): each parameter becomes a view of Data and its .grad a view of Grad, so the
        /// optimiser, clipping and a gradient all-reduce each run as a few large ops on the flat buffers.
        /// Parameters are laid out group by group (each group one contiguous segment), in the given order.
        /// Backward accumulates into the grad views in place; reset them with <see cref="zero_grad"/>
        /// (setting a parameter's .grad to null would detach it from the flat buffer).
        /// </summary>
        public sealed class FlatParameters : IDisposable
        {
            private readonly List<Entry> entries = [];
            private readonly List<Segment> segments = [];

            public sealed record Entry(string name, nn.Parameter parameter, long offset, long numel, long[] shape, int group);
            public sealed record Segment(long offset, long length, ParamGroup group);

            /// <summary>Every parameter with its place in the flat buffers, in layout order.</summary>
            public IReadOnlyList<Entry> Entries => entries;
            /// <summary>One contiguous segment per parameter group.</summary>
            public IReadOnlyList<Segment> Groups => segments;
            public Tensor Data { get; }
            public Tensor Grad { get; private set; }
            public long Count { get; }

            public FlatParameters(IEnumerable<(string name, nn.Parameter parameter)> parameters)
                : this([new ParamGroup(parameters.ToList())]) { }

            public FlatParameters(IReadOnlyList<ParamGroup> groups)
            {
                long offset = 0;
                ScalarType? dtype = null;
                Device? device = null;
                var seen = new HashSet<nn.Parameter>(ReferenceEqualityComparer.Instance);
                for (var g = 0; g < groups.Count; g++)
                {
                    var start = offset;
                    foreach (var (name, p) in groups[g].parameters)
                    {
                        if (!seen.Add(p)) throw new ArgumentException($"parameter '{name}' appears more than once in the parameter groups");
                        dtype ??= p.dtype;
                        device ??= p.device;
                        if (p.dtype != dtype || p.device != device)
                            throw new ArgumentException($"parameter '{name}' is {p.dtype} on {p.device}; a flat buffer needs one dtype and device ({dtype} on {device})");
                        var n = p.numel();
                        entries.Add(new Entry(name, p, offset, n, p.shape, g));
                        offset += n;
                    }
                    segments.Add(new Segment(start, offset - start, groups[g]));
                }
                Count = offset;
                Data = empty([offset], dtype ?? ScalarType.Float32, device).DetachFromDisposeScope();
                Grad = zeros([offset], dtype ?? ScalarType.Float32, device).DetachFromDisposeScope();
                using (no_grad())
                using (NewDisposeScope())
                {
                    foreach (var e in entries)
                    {
                        var view = Data.narrow(0, e.offset, e.numel).view(e.shape);
                        view.copy_(e.parameter);
                        e.parameter.SetData(view);
                        e.parameter.Flat = this;
                    }
                }
                AttachGradients();
            }

            /// <summary>Points every parameter's .grad at its view of <see cref="Grad"/>.</summary>
            private void AttachGradients()
            {
                using var scope = NewDisposeScope();
                foreach (var e in entries) e.parameter.grad = Grad.narrow(0, e.offset, e.numel).view(e.shape);
            }

            /// <summary>
            /// Moves the flat gradient into <paramref name="storage"/> (as many elements, same dtype and device; a shared
            /// memory slot the gradient sum reads in place) and points every .grad there. Before an optimizer is made
            /// over these parameters: it keeps views of the gradient.
            /// </summary>
            public void MoveGradientTo(Tensor storage)
            {
                if (storage.numel() != Count || storage.dtype != Grad.dtype || storage.device != Grad.device)
                    throw new ArgumentException($"the gradient needs {Count} elements of {Grad.dtype} on {Grad.device}", nameof(storage));
                storage.copy_(Grad);
                Grad.Dispose();
                Grad = storage.DetachFromDisposeScope();
                AttachGradients();
            }

            /// <summary>Zeroes the flat gradient (and re-attaches any .grad that was replaced).</summary>
            public void zero_grad()
            {
                Grad.zero_();
                AttachGradients();
            }

            /// <summary>torch.nn.utils.clip_grad_norm_ (2-norm) over the flat gradient; returns the total norm.</summary>
            public double clip_grad_norm_(double max_norm)
            {
                var total = NativeMethods.orc_clip_grad_norm_flat(Grad.Handle, max_norm);
                TorchException.ThrowIfFailed();
                return total;
            }

            /// <summary>A view of one group's segment of a flat buffer laid out like <see cref="Data"/>.</summary>
            internal Tensor SegmentOf(Tensor flat, int group) => flat.narrow(0, segments[group].offset, segments[group].length);

            public void Dispose()
            {
                foreach (var e in entries)
                    if (ReferenceEquals(e.parameter.Flat, this)) e.parameter.Flat = null;
                Data.Dispose();
                Grad.Dispose();
            }
        }
    }
}
