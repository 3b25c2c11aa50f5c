using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

// Views, reshapes, indexing and joining.
public static partial class torch
{
    public partial class Tensor
    {
        public unsafe Tensor view(params ReadOnlySpan<long> shape)
        {
            fixed (long* s = shape) return W(NativeMethods.orc_view(Handle, s, shape.Length));
        }

        public unsafe Tensor reshape(params ReadOnlySpan<long> shape)
        {
            fixed (long* s = shape) return W(NativeMethods.orc_reshape(Handle, s, shape.Length));
        }

        public unsafe Tensor expand(params ReadOnlySpan<long> shape)
        {
            fixed (long* s = shape) return W(NativeMethods.orc_expand(Handle, s, shape.Length));
        }

        public Tensor expand_as(Tensor other) => expand(other.shape);
        public Tensor view_as(Tensor other) => view(other.shape);

        public unsafe Tensor permute(params ReadOnlySpan<long> dims)
        {
            fixed (long* s = dims) return W(NativeMethods.orc_permute(Handle, s, dims.Length));
        }

        public unsafe Tensor repeat(params ReadOnlySpan<long> repeats)
        {
            fixed (long* s = repeats) return W(NativeMethods.orc_repeat(Handle, s, repeats.Length));
        }

        public Tensor transpose(long dim0, long dim1) => W(NativeMethods.orc_transpose(Handle, dim0, dim1));
        /// <summary>Transpose of a 2-D tensor.</summary>
        public Tensor t() => transpose(0, 1);
        public Tensor contiguous() => W(NativeMethods.orc_contiguous(Handle));
        public Tensor narrow(long dim, long start, long length) => W(NativeMethods.orc_narrow(Handle, dim, start, length));
        /// <summary>Elements start..end-1 (step) along dim, as a view (Python's t[start:end:step]).</summary>
        public Tensor slice(long dim, long start, long end, long step = 1) => W(NativeMethods.orc_slice(Handle, dim, start, end, step));
        /// <summary>Removes dimension dim by taking one index (Python's t[..., index, ...]).</summary>
        public Tensor select(long dim, long index) => W(NativeMethods.orc_select(Handle, dim, index));
        public Tensor index_select(long dim, Tensor index) => W(NativeMethods.orc_index_select(Handle, dim, index.Handle));
        public Tensor gather(long dim, Tensor index) => W(NativeMethods.orc_gather(Handle, dim, index.Handle));
        public Tensor unsqueeze(long dim) => W(NativeMethods.orc_unsqueeze(Handle, dim));
        public Tensor squeeze() => W(NativeMethods.orc_squeeze(Handle));
        public Tensor squeeze(long dim) => W(NativeMethods.orc_squeeze_dim(Handle, dim));
        public Tensor flatten(long start_dim = 0, long end_dim = -1) => W(NativeMethods.orc_flatten(Handle, start_dim, end_dim));
        public Tensor masked_fill(Tensor mask, double value) => W(NativeMethods.orc_masked_fill(Handle, mask.Handle, value));
        public Tensor masked_fill(Tensor mask, Tensor value) => W(NativeMethods.orc_masked_fill_t(Handle, mask.Handle, value.Handle));
        public Tensor masked_fill_(Tensor mask, double value) { NativeMethods.orc_masked_fill_(Handle, mask.Handle, value); return InPlace(); }
        public Tensor masked_select(Tensor mask) => W(NativeMethods.orc_masked_select(Handle, mask.Handle));
        public Tensor tril(long diagonal = 0) => W(NativeMethods.orc_tril(Handle, diagonal));
        public Tensor triu(long diagonal = 0) => W(NativeMethods.orc_triu(Handle, diagonal));
        public Tensor cumsum(long dim) => W(NativeMethods.orc_cumsum(Handle, dim));
        /// <summary>Advanced indexing with one index tensor (bool mask or int64 indices), Python's t[index].</summary>
        public Tensor index(Tensor index) => W(NativeMethods.orc_index_tensor(Handle, index.Handle));
        /// <summary>Python's t[index] = value.</summary>
        public Tensor index_put_(Tensor index, Tensor value) { NativeMethods.orc_index_put_(Handle, index.Handle, value.Handle); return InPlace(); }

        public long size(long dim)
        {
            var s = shape;
            return s[dim < 0 ? s.Length + dim : dim];
        }
    }

    public static unsafe Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        Span<IntPtr> handles = tensors.Count <= 64 ? stackalloc IntPtr[tensors.Count] : new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].Handle;
        fixed (IntPtr* h = handles) return new Tensor(NativeMethods.orc_cat(h, handles.Length, dim));
    }

    public static unsafe Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        Span<IntPtr> handles = tensors.Count <= 64 ? stackalloc IntPtr[tensors.Count] : new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].Handle;
        fixed (IntPtr* h = handles) return new Tensor(NativeMethods.orc_stack(h, handles.Length, dim));
    }

    public static Tensor where(Tensor condition, Tensor input, Tensor other) => new(NativeMethods.orc_where(condition.Handle, input.Handle, other.Handle));
    public static Tensor where(Tensor condition, Tensor input, double other) => new(NativeMethods.orc_where_s(condition.Handle, input.Handle, other));
    public static Tensor masked_fill(Tensor input, Tensor mask, double value) => input.masked_fill(mask, value);
    public static Tensor index_select(Tensor input, long dim, Tensor index) => input.index_select(dim, index);
    public static Tensor gather(Tensor input, long dim, Tensor index) => input.gather(dim, index);
    public static Tensor flatten(Tensor input, long start_dim = 0, long end_dim = -1) => input.flatten(start_dim, end_dim);
    public static Tensor transpose(Tensor input, long dim0, long dim1) => input.transpose(dim0, dim1);
    public static Tensor unsqueeze(Tensor input, long dim) => input.unsqueeze(dim);
}
