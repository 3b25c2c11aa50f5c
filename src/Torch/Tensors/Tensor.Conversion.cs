using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

// dtype and device conversion, copies, and scalar reads.
public static partial class torch
{
    public partial class Tensor
    {
        public Tensor to(ScalarType dtype) => W(NativeMethods.orc_to_dtype(Handle, (int)dtype));
        public Tensor to(Device device, bool non_blocking = false) => W(NativeMethods.orc_to_device(Handle, (int)device.type, device.index, non_blocking));
        public Tensor to(string device) => to(Device.Parse(device));
        public Tensor type(ScalarType dtype) => to(dtype);
        public Tensor cpu() => to(CPU);
        public Tensor cuda(int index = 0) => to(CUDA(index));
        public Tensor @float() => to(ScalarType.Float32);
        public Tensor @long() => to(ScalarType.Int64);
        public Tensor @bool() => to(ScalarType.Bool);

        public unsafe Device device
        {
            get
            {
                int type, index;
                NativeMethods.orc_tensor_device(Handle, &type, &index);
                TorchException.ThrowIfFailed();
                return new Device((DeviceType)type, index);
            }
        }

        public Tensor clone() => W(NativeMethods.orc_clone(Handle));
        /// <summary>A second handle to the same tensor (same storage and autograd identity).</summary>
        public Tensor alias() => W(NativeMethods.orc_alias(Handle));

        public bool is_contiguous()
        {
            var r = NativeMethods.orc_tensor_is_contiguous(Handle);
            TorchException.ThrowIfFailed();
            return r == 1;
        }

        public unsafe long[] stride()
        {
            Span<long> strides = stackalloc long[16];
            long ndim;
            fixed (long* p = strides) ndim = NativeMethods.orc_tensor_strides(Handle, p, strides.Length);
            TorchException.ThrowIfFailed();
            return strides[..(int)ndim].ToArray();
        }

        internal long storage_offset()
        {
            var r = NativeMethods.orc_storage_offset(Handle);
            TorchException.ThrowIfFailed();
            return r;
        }

        /// <summary>True when both tensors view the same storage.</summary>
        public bool SharesStorageWith(Tensor other)
        {
            var r = NativeMethods.orc_same_storage(Handle, other.Handle);
            TorchException.ThrowIfFailed();
            return r == 1;
        }

        /// <summary>The single element as double, whatever the dtype (bfloat16/half included).</summary>
        public double ToDouble()
        {
            var v = NativeMethods.orc_item_double(Handle);
            TorchException.ThrowIfFailed();
            return v;
        }

        public float ToSingle() => (float)ToDouble();

        public long ToInt64()
        {
            var v = NativeMethods.orc_item_long(Handle);
            TorchException.ThrowIfFailed();
            return v;
        }

        public override string ToString() => IsDisposed ? "tensor(disposed)" : $"tensor(shape=[{string.Join(", ", shape)}], dtype={dtype}, device={device})";
    }
}

public static partial class torch
{
    public partial class Tensor
    {
        /// <summary>Number of dimensions (Python's t.dim()).</summary>
        public long dim() => Dimensions;
    }

    /// <summary>Limits of a floating-point dtype (torch.finfo), e.g. finfo(Float32).min for attention masks.</summary>
    public static (double min, double max, double eps) finfo(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => (float.MinValue, float.MaxValue, 1.1920928955078125e-07),
        ScalarType.Float64 => (double.MinValue, double.MaxValue, 2.220446049250313e-16),
        ScalarType.Float16 => (-65504.0, 65504.0, 0.0009765625),
        ScalarType.BFloat16 => (-3.3895313892515355e+38, 3.3895313892515355e+38, 0.0078125),
        _ => throw new ArgumentException($"finfo needs a floating-point dtype, not {dtype}", nameof(dtype)),
    };
}
