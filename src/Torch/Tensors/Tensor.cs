using System.Runtime.InteropServices;
using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    /// <summary>
    /// A libtorch tensor behind an opaque native handle. Disposing frees the native tensor at once;
    /// a tensor created inside a <see cref="DisposeScope"/> is disposed with the scope.
    /// Operations are split across partial files by topic (Tensor.*.cs).
    /// </summary>
    public partial class Tensor : IDisposable
    {
        private IntPtr handle;

        internal Tensor(IntPtr handle)
        {
            this.handle = TorchException.Check(handle);
            OwningScope = DisposeScope.Current;
            OwningScope?.Attach(this);
        }

        internal DisposeScope? OwningScope { get; set; }

        internal IntPtr Handle =>
            handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed");

        public bool IsDisposed => handle == IntPtr.Zero;

        public ScalarType dtype
        {
            get
            {
                var code = NativeMethods.orc_tensor_dtype(Handle);
                TorchException.ThrowIfFailed();
                return (ScalarType)code;
            }
        }

        public unsafe long[] shape
        {
            get
            {
                Span<long> sizes = stackalloc long[16];
                long ndim;
                fixed (long* p = sizes) ndim = NativeMethods.orc_tensor_sizes(Handle, p, sizes.Length);
                TorchException.ThrowIfFailed();
                return sizes[..(int)ndim].ToArray();
            }
        }

        public long Dimensions
        {
            get
            {
                var dims = NativeMethods.orc_tensor_dim(Handle);
                TorchException.ThrowIfFailed();
                return dims;
            }
        }

        public long numel()
        {
            var n = NativeMethods.orc_tensor_numel(Handle);
            TorchException.ThrowIfFailed();
            return n;
        }

        /// <summary>Copies the elements out (contiguous, row-major) into a new array.</summary>
        public unsafe T[] data<T>() where T : unmanaged
        {
            var result = new T[numel()];
            CopyTo<T>(result);
            return result;
        }

        /// <summary>Copies the elements into <paramref name="destination"/>, whose length must equal numel().</summary>
        public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
        {
            fixed (T* p = destination) CopyBytesTo((byte*)p, (long)destination.Length * sizeof(T));
        }

        public T item<T>() where T : unmanaged
        {
            Span<T> one = stackalloc T[1];
            CopyTo(one);
            return one[0];
        }

        /// <summary>Moves ownership to the scope enclosing the current owner (or to none).</summary>
        public Tensor MoveToOuterDisposeScope()
        {
            var outer = OwningScope?.Outer;
            OwningScope?.Release(this);
            OwningScope = outer;
            outer?.Attach(this);
            return this;
        }

        /// <summary>Takes the tensor out of every scope: the caller now disposes it.</summary>
        public Tensor DetachFromDisposeScope()
        {
            OwningScope?.Release(this);
            OwningScope = null;
            return this;
        }

        public virtual void Dispose()
        {
            if (handle == IntPtr.Zero) return;
            OwningScope?.Release(this);
            OwningScope = null;
            NativeMethods.orc_tensor_free(handle);
            handle = IntPtr.Zero;
            GC.SuppressFinalize(this);
        }

        // Safety net only: correct code disposes every tensor (scopes); tests watch the live count.
        ~Tensor()
        {
            if (handle != IntPtr.Zero) NativeMethods.orc_tensor_free(handle);
        }
    }

    /// <summary>Opens a scope that owns every tensor created on this thread until it is disposed.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Native tensors currently alive in this process (all threads).</summary>
    public static long LiveTensorCount => NativeMethods.orc_live_tensors();

    /// <summary>Copies <paramref name="values"/> into a new tensor of the given shape (default: 1-D).</summary>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> values, long[]? shape = null) where T : unmanaged
    {
        fixed (T* data = values)
            return from_bytes((byte*)data, (long)values.Length * sizeof(T), ScalarTypeOf<T>(), shape ?? [values.Length]);
    }

    public static Tensor tensor<T>(T[] values, long[]? shape = null) where T : unmanaged => tensor((ReadOnlySpan<T>)values, shape);

    internal static ScalarType ScalarTypeOf<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => ScalarType.Float32,
        var t when t == typeof(double) => ScalarType.Float64,
        var t when t == typeof(long) => ScalarType.Int64,
        var t when t == typeof(int) => ScalarType.Int32,
        var t when t == typeof(bool) => ScalarType.Bool,
        var t when t == typeof(Half) => ScalarType.Float16,
        var t when t == typeof(byte) => ScalarType.UInt8,
        var t when t == typeof(sbyte) => ScalarType.Int8,
        var t when t == typeof(short) => ScalarType.Int16,
        _ => throw new NotSupportedException($"no tensor element type for {typeof(T).Name}"),
    };
}
