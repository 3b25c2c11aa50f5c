using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        /// <summary>Size of the elements in bytes (numel × element size), as stored contiguously.</summary>
        public long ByteCount => checked(numel() * dtype.ElementSize());

        /// <summary>
        /// The raw little-endian element bytes (contiguous, row-major). Works for every dtype,
        /// including float16 and bfloat16, which have no exact managed counterpart.
        /// </summary>
        public byte[] bytes()
        {
            var result = new byte[ByteCount];
            CopyBytesTo(result);
            return result;
        }

        /// <summary>Copies the raw element bytes into <paramref name="destination"/>, whose length must equal <see cref="ByteCount"/>.</summary>
        public unsafe void CopyBytesTo(Span<byte> destination)
        {
            fixed (byte* p = destination) CopyBytesTo(p, destination.Length);
        }

        /// <summary>
        /// The address of the first element, for reading and writing in place; CPU and contiguous only. Valid while
        /// this tensor lives and keeps its storage.
        /// </summary>
        internal unsafe void* DataPointer()
        {
            var pointer = NativeMethods.orc_tensor_data_ptr(Handle);
            TorchException.ThrowIfFailed();
            return pointer;
        }

        /// <summary>Pointer form for buffers larger than a span can describe (native memory).</summary>
        internal unsafe void CopyBytesTo(byte* destination, long byteCount)
        {
            NativeMethods.orc_tensor_copy_to(Handle, destination, byteCount);
            TorchException.ThrowIfFailed();
        }
    }

    /// <summary>
    /// Creates a tensor of <paramref name="dtype"/> and <paramref name="shape"/> by copying raw little-endian
    /// element bytes; the byte count must equal numel × element size.
    /// </summary>
    public static unsafe Tensor from_bytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        fixed (byte* p = bytes) return from_bytes(p, bytes.Length, dtype, shape);
    }

    /// <summary>
    /// A tensor over <paramref name="data"/> itself, without a copy (torch.from_blob): the caller keeps that memory
    /// alive and mapped until the tensor and every view of it are disposed.
    /// </summary>
    internal static unsafe Tensor from_blob(void* data, ScalarType dtype, long[] shape)
    {
        fixed (long* s = shape)
            return new Tensor(NativeMethods.orc_tensor_from_blob(data, (int)dtype, s, shape.Length));
    }

    /// <summary>Pointer form: copies <paramref name="byteCount"/> bytes from memory the caller keeps alive for the call (e.g. a mapped file view).</summary>
    internal static unsafe Tensor from_bytes(byte* data, long byteCount, ScalarType dtype, long[] shape)
    {
        fixed (long* s = shape)
            return new Tensor(NativeMethods.orc_tensor_from_data(data, byteCount, (int)dtype, s, shape.Length));
    }
}
