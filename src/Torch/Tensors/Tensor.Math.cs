using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

// Elementwise arithmetic (tensor and scalar, broadcasting), comparisons, linear algebra, reductions.
public static partial class torch
{
    public partial class Tensor
    {
        private static Tensor W(IntPtr handle) => new(handle);

        private Tensor InPlace()
        {
            TorchException.ThrowIfFailed();
            return this;
        }

        public Tensor add(Tensor other, double alpha = 1.0) => W(NativeMethods.orc_add(Handle, other.Handle, alpha));
        public Tensor add(double scalar) => W(NativeMethods.orc_add_s(Handle, scalar));
        public Tensor sub(Tensor other, double alpha = 1.0) => W(NativeMethods.orc_sub(Handle, other.Handle, alpha));
        public Tensor sub(double scalar) => W(NativeMethods.orc_sub_s(Handle, scalar));
        public Tensor mul(Tensor other) => W(NativeMethods.orc_mul(Handle, other.Handle));
        public Tensor mul(double scalar) => W(NativeMethods.orc_mul_s(Handle, scalar));
        public Tensor div(Tensor other) => W(NativeMethods.orc_div(Handle, other.Handle));
        public Tensor div(double scalar) => W(NativeMethods.orc_div_s(Handle, scalar));
        public Tensor pow(Tensor exponent) => W(NativeMethods.orc_pow_t(Handle, exponent.Handle));
        public Tensor pow(double exponent) => W(NativeMethods.orc_pow_s(Handle, exponent));
        public Tensor maximum(Tensor other) => W(NativeMethods.orc_maximum(Handle, other.Handle));
        public Tensor minimum(Tensor other) => W(NativeMethods.orc_minimum(Handle, other.Handle));

        public Tensor neg() => W(NativeMethods.orc_neg(Handle));
        public Tensor abs() => W(NativeMethods.orc_abs(Handle));
        public Tensor sqrt() => W(NativeMethods.orc_sqrt(Handle));
        public Tensor reciprocal() => W(NativeMethods.orc_reciprocal(Handle));
        public Tensor rsqrt() => W(NativeMethods.orc_rsqrt(Handle));
        public Tensor exp() => W(NativeMethods.orc_exp(Handle));
        public Tensor log() => W(NativeMethods.orc_log(Handle));
        public Tensor tanh() => W(NativeMethods.orc_tanh(Handle));
        public Tensor sigmoid() => W(NativeMethods.orc_sigmoid(Handle));
        public Tensor erf() => W(NativeMethods.orc_erf(Handle));
        public Tensor sign() => W(NativeMethods.orc_sign(Handle));
        public Tensor logical_not() => W(NativeMethods.orc_logical_not(Handle));
        public Tensor logical_and(Tensor other) => W(NativeMethods.orc_logical_and(Handle, other.Handle));
        public Tensor logical_or(Tensor other) => W(NativeMethods.orc_logical_or(Handle, other.Handle));
        public Tensor isnan() => W(NativeMethods.orc_isnan(Handle));

        public Tensor clamp(double? min = null, double? max = null) =>
            W(NativeMethods.orc_clamp(Handle, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0));
        public Tensor clamp_min(double min) => clamp(min, null);
        public Tensor clamp_max(double max) => clamp(null, max);

        public Tensor eq(Tensor other) => W(NativeMethods.orc_eq(Handle, other.Handle));
        public Tensor ne(Tensor other) => W(NativeMethods.orc_ne(Handle, other.Handle));
        public Tensor lt(Tensor other) => W(NativeMethods.orc_lt(Handle, other.Handle));
        public Tensor le(Tensor other) => W(NativeMethods.orc_le(Handle, other.Handle));
        public Tensor gt(Tensor other) => W(NativeMethods.orc_gt(Handle, other.Handle));
        public Tensor ge(Tensor other) => W(NativeMethods.orc_ge(Handle, other.Handle));
        public Tensor eq(double other) => W(NativeMethods.orc_eq_s(Handle, other));
        public Tensor ne(double other) => W(NativeMethods.orc_ne_s(Handle, other));
        public Tensor lt(double other) => W(NativeMethods.orc_lt_s(Handle, other));
        public Tensor le(double other) => W(NativeMethods.orc_le_s(Handle, other));
        public Tensor gt(double other) => W(NativeMethods.orc_gt_s(Handle, other));
        public Tensor ge(double other) => W(NativeMethods.orc_ge_s(Handle, other));

        public Tensor matmul(Tensor other) => W(NativeMethods.orc_matmul(Handle, other.Handle));
        public Tensor mm(Tensor other) => W(NativeMethods.orc_mm(Handle, other.Handle));
        public Tensor bmm(Tensor other) => W(NativeMethods.orc_bmm(Handle, other.Handle));
        /// <summary>beta * this + alpha * (mat1 @ mat2).</summary>
        public Tensor addmm(Tensor mat1, Tensor mat2, double beta = 1, double alpha = 1) =>
            W(NativeMethods.orc_addmm(Handle, mat1.Handle, mat2.Handle, beta, alpha));

        // In-place forms return this tensor.
        public Tensor add_(Tensor other, double alpha = 1.0) { NativeMethods.orc_add_(Handle, other.Handle, alpha); return InPlace(); }
        public Tensor add_(double scalar) { NativeMethods.orc_add_s_(Handle, scalar); return InPlace(); }
        public Tensor sub_(Tensor other, double alpha = 1.0) { NativeMethods.orc_sub_(Handle, other.Handle, alpha); return InPlace(); }
        public Tensor sub_(double scalar) { NativeMethods.orc_sub_s_(Handle, scalar); return InPlace(); }
        public Tensor mul_(Tensor other) { NativeMethods.orc_mul_(Handle, other.Handle); return InPlace(); }
        public Tensor mul_(double scalar) { NativeMethods.orc_mul_s_(Handle, scalar); return InPlace(); }
        public Tensor div_(Tensor other) { NativeMethods.orc_div_(Handle, other.Handle); return InPlace(); }
        public Tensor div_(double scalar) { NativeMethods.orc_div_s_(Handle, scalar); return InPlace(); }
        public Tensor clamp_(double min, double max) { NativeMethods.orc_clamp_(Handle, min, max); return InPlace(); }
        public Tensor addcmul_(Tensor t1, Tensor t2, double value = 1) { NativeMethods.orc_addcmul_(Handle, t1.Handle, t2.Handle, value); return InPlace(); }
        public Tensor addcdiv_(Tensor t1, Tensor t2, double value = 1) { NativeMethods.orc_addcdiv_(Handle, t1.Handle, t2.Handle, value); return InPlace(); }
        public Tensor fill_(double value) { NativeMethods.orc_fill_(Handle, value); return InPlace(); }
        public Tensor zero_() { NativeMethods.orc_zero_(Handle); return InPlace(); }
        public Tensor copy_(Tensor source) { NativeMethods.orc_copy_(Handle, source.Handle); return InPlace(); }
        public Tensor uniform_(double from = 0, double to = 1, Generator? generator = null) { NativeMethods.orc_uniform_(Handle, from, to, Generator.HandleOf(generator)); return InPlace(); }
        public Tensor normal_(double mean = 0, double std = 1, Generator? generator = null) { NativeMethods.orc_normal_(Handle, mean, std, Generator.HandleOf(generator)); return InPlace(); }
        public Tensor bernoulli_(double p = 0.5, Generator? generator = null) { NativeMethods.orc_bernoulli_(Handle, p, Generator.HandleOf(generator)); return InPlace(); }

        // Reductions.
        public unsafe Tensor sum(ScalarType? dtype = null) => W(NativeMethods.orc_sum(Handle, null, 0, false, dtype is { } t ? (int)t : -1));
        public Tensor sum(long dim, bool keepdim = false, ScalarType? dtype = null) => sum([dim], keepdim, dtype);
        public unsafe Tensor sum(ReadOnlySpan<long> dims, bool keepdim = false, ScalarType? dtype = null)
        {
            fixed (long* d = dims) return W(NativeMethods.orc_sum(Handle, d, dims.Length, keepdim, dtype is { } t ? (int)t : -1));
        }
        public unsafe Tensor mean() => W(NativeMethods.orc_mean(Handle, null, 0, false));
        public Tensor mean(long dim, bool keepdim = false) => mean([dim], keepdim);
        public unsafe Tensor mean(ReadOnlySpan<long> dims, bool keepdim = false)
        {
            fixed (long* d = dims) return W(NativeMethods.orc_mean(Handle, d, dims.Length, keepdim));
        }

        /// <summary>The largest element (0-dimensional).</summary>
        public Tensor max() => W(NativeMethods.orc_max_all(Handle));
        public Tensor min() => W(NativeMethods.orc_min_all(Handle));

        /// <summary>Largest values along <paramref name="dim"/> and their indices.</summary>
        public unsafe (Tensor values, Tensor indexes) max(long dim, bool keepdim = false)
        {
            IntPtr values = IntPtr.Zero, indices = IntPtr.Zero;
            NativeMethods.orc_max_dim(Handle, dim, keepdim, &values, &indices);
            TorchException.ThrowIfFailed();
            return (W(values), W(indices));
        }

        public unsafe (Tensor values, Tensor indexes) min(long dim, bool keepdim = false)
        {
            IntPtr values = IntPtr.Zero, indices = IntPtr.Zero;
            NativeMethods.orc_min_dim(Handle, dim, keepdim, &values, &indices);
            TorchException.ThrowIfFailed();
            return (W(values), W(indices));
        }

        public unsafe (Tensor values, Tensor indexes) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
        {
            IntPtr values = IntPtr.Zero, indices = IntPtr.Zero;
            NativeMethods.orc_topk(Handle, k, dim, largest, sorted, &values, &indices);
            TorchException.ThrowIfFailed();
            return (W(values), W(indices));
        }

        public Tensor argmax() => W(NativeMethods.orc_argmax(Handle, 0, false, true));
        public Tensor argmax(long dim, bool keepdim = false) => W(NativeMethods.orc_argmax(Handle, dim, keepdim, false));

        /// <summary>p-norm over all elements (default Frobenius/2-norm).</summary>
        public Tensor norm(double p = 2) => W(NativeMethods.orc_norm(Handle, p));
        public unsafe Tensor norm(ReadOnlySpan<long> dims, bool keepdim = false, double p = 2)
        {
            fixed (long* d = dims) return W(NativeMethods.orc_norm_dim(Handle, p, d, dims.Length, keepdim));
        }

        public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
        {
            var r = NativeMethods.orc_allclose(Handle, other.Handle, rtol, atol);
            TorchException.ThrowIfFailed();
            return r == 1;
        }

        /// <summary>Same shape and same elements (torch.equal).</summary>
        public bool equal(Tensor other)
        {
            var r = NativeMethods.orc_equal(Handle, other.Handle);
            TorchException.ThrowIfFailed();
            return r == 1;
        }

        public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
        public static Tensor operator +(Tensor a, double b) => a.add(b);
        public static Tensor operator +(double a, Tensor b) => b.add(a);
        public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
        public static Tensor operator -(Tensor a, double b) => a.sub(b);
        public static Tensor operator -(double a, Tensor b) => W(NativeMethods.orc_rsub_s(b.Handle, a));
        public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
        public static Tensor operator *(Tensor a, double b) => a.mul(b);
        public static Tensor operator *(double a, Tensor b) => b.mul(a);
        public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
        public static Tensor operator /(Tensor a, double b) => a.div(b);
        public static Tensor operator /(double a, Tensor b) => b.reciprocal().DisposeAfter(r => r.mul(a)); // as PyTorch's __rtruediv__
        public static Tensor operator -(Tensor a) => a.neg();
        public static Tensor operator <(Tensor a, Tensor b) => a.lt(b);
        public static Tensor operator >(Tensor a, Tensor b) => a.gt(b);
        public static Tensor operator <=(Tensor a, Tensor b) => a.le(b);
        public static Tensor operator >=(Tensor a, Tensor b) => a.ge(b);
        public static Tensor operator <(Tensor a, double b) => a.lt(b);
        public static Tensor operator >(Tensor a, double b) => a.gt(b);
        public static Tensor operator <=(Tensor a, double b) => a.le(b);
        public static Tensor operator >=(Tensor a, double b) => a.ge(b);

        /// <summary>Applies <paramref name="next"/> and disposes this intermediate.</summary>
        internal Tensor DisposeAfter(Func<Tensor, Tensor> next)
        {
            try { return next(this); }
            finally { Dispose(); }
        }
    }

    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);
    public static Tensor bmm(Tensor a, Tensor b) => a.bmm(b);
    public static Tensor addmm(Tensor input, Tensor mat1, Tensor mat2, double beta = 1, double alpha = 1) => input.addmm(mat1, mat2, beta, alpha);
    public static Tensor pow(Tensor a, double exponent) => a.pow(exponent);
    public static Tensor sqrt(Tensor a) => a.sqrt();
    public static Tensor exp(Tensor a) => a.exp();
    public static Tensor log(Tensor a) => a.log();
    public static Tensor tanh(Tensor a) => a.tanh();
    public static Tensor erf(Tensor a) => a.erf();
    public static Tensor abs(Tensor a) => a.abs();
    public static Tensor clamp(Tensor a, double? min = null, double? max = null) => a.clamp(min, max);
    public static Tensor sum(Tensor a) => a.sum();
    public static Tensor mean(Tensor a) => a.mean();
    public static Tensor argmax(Tensor a, long dim, bool keepdim = false) => a.argmax(dim, keepdim);
    public static Tensor maximum(Tensor a, Tensor b) => a.maximum(b);
}
