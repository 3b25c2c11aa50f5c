using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

// Factories: torch.empty/zeros/ones/full/arange/rand/randn/randint and the *_like forms.
public static partial class torch
{
    private static Tensor Finish(IntPtr handle, bool requiresGrad)
    {
        var t = new Tensor(handle);
        if (requiresGrad) t.requires_grad = true;
        return t;
    }

    private static (int type, int index) Dev(Device? device) => device is { } d ? ((int)d.type, d.index) : (0, -1);

    public static unsafe Tensor empty(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (dt, di) = Dev(device);
        fixed (long* s = size) return Finish(NativeMethods.orc_empty(s, size.Length, (int)(dtype ?? ScalarType.Float32), dt, di), requires_grad);
    }

    public static unsafe Tensor zeros(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (dt, di) = Dev(device);
        fixed (long* s = size) return Finish(NativeMethods.orc_zeros_opts(s, size.Length, (int)(dtype ?? ScalarType.Float32), dt, di), requires_grad);
    }

    public static unsafe Tensor ones(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (dt, di) = Dev(device);
        fixed (long* s = size) return Finish(NativeMethods.orc_ones(s, size.Length, (int)(dtype ?? ScalarType.Float32), dt, di), requires_grad);
    }

    public static unsafe Tensor full(ReadOnlySpan<long> size, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (dt, di) = Dev(device);
        fixed (long* s = size) return Finish(NativeMethods.orc_full(s, size.Length, value, (int)(dtype ?? ScalarType.Float32), dt, di), requires_grad);
    }

    /// <summary>An integer fill (exact for all int64 values); dtype defaults to int64 as in PyTorch.</summary>
    public static unsafe Tensor full(ReadOnlySpan<long> size, long value, ScalarType? dtype = null, Device? device = null)
    {
        var (dt, di) = Dev(device);
        fixed (long* s = size) return new Tensor(NativeMethods.orc_full_int(s, size.Length, value, (int)(dtype ?? ScalarType.Int64), dt, di));
    }

    /// <summary>Integers 0..end-1 (int64 by default, like torch.arange with integer arguments).</summary>
    public static Tensor arange(long end, ScalarType? dtype = null, Device? device = null) => arange(0L, end, 1L, dtype, device);

    public static Tensor arange(long start, long end, long step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new Tensor(NativeMethods.orc_arange(start, end, step, (int)(dtype ?? ScalarType.Int64), dt, di));
    }

    /// <summary>Floating-point range (float32 by default, like torch.arange with float arguments).</summary>
    public static Tensor arange(double start, double end, double step = 1.0, ScalarType? dtype = null, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new Tensor(NativeMethods.orc_arange(start, end, step, (int)(dtype ?? ScalarType.Float32), dt, di));
    }

    public static unsafe Tensor rand(ReadOnlySpan<long> size, Generator? generator = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (dt, di) = Dev(device);
        fixed (long* s = size) return Finish(NativeMethods.orc_rand(s, size.Length, Generator.HandleOf(generator), (int)(dtype ?? ScalarType.Float32), dt, di), requires_grad);
    }

    public static unsafe Tensor randn(ReadOnlySpan<long> size, Generator? generator = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (dt, di) = Dev(device);
        fixed (long* s = size) return Finish(NativeMethods.orc_randn(s, size.Length, Generator.HandleOf(generator), (int)(dtype ?? ScalarType.Float32), dt, di), requires_grad);
    }

    /// <summary>Uniform integers in [low, high).</summary>
    public static unsafe Tensor randint(long low, long high, ReadOnlySpan<long> size, Generator? generator = null, ScalarType? dtype = null, Device? device = null)
    {
        var (dt, di) = Dev(device);
        fixed (long* s = size) return new Tensor(NativeMethods.orc_randint(low, high, s, size.Length, Generator.HandleOf(generator), (int)(dtype ?? ScalarType.Int64), dt, di));
    }

    public static Tensor randint(long high, ReadOnlySpan<long> size, Generator? generator = null, ScalarType? dtype = null, Device? device = null) =>
        randint(0, high, size, generator, dtype, device);

    public static Tensor randperm(long n, Generator? generator = null, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new Tensor(NativeMethods.orc_randperm(n, Generator.HandleOf(generator), dt, di));
    }

    public static Tensor zeros_like(Tensor t) => new(NativeMethods.orc_zeros_like(t.Handle));
    public static Tensor ones_like(Tensor t) => new(NativeMethods.orc_ones_like(t.Handle));
    public static Tensor empty_like(Tensor t) => new(NativeMethods.orc_empty_like(t.Handle));
    public static Tensor full_like(Tensor t, double value) => new(NativeMethods.orc_full_like(t.Handle, value));

    /// <summary>A 0-dimensional tensor holding one value.</summary>
    public static Tensor scalar_tensor(double value, ScalarType? dtype = null, Device? device = null) =>
        full(ReadOnlySpan<long>.Empty, value, dtype, device);

    public static Tensor tensor(float value) => scalar_tensor(value, ScalarType.Float32);
    public static Tensor tensor(double value) => scalar_tensor(value, ScalarType.Float64);
    public static Tensor tensor(long value) => full(ReadOnlySpan<long>.Empty, value);
}
