using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

// torch.Generator, torch.manual_seed and the default CPU generator's state.
public static partial class torch
{
    /// <summary>A CPU random number generator (Philox/MT19937 state of libtorch's CPUGeneratorImpl).</summary>
    public sealed class Generator : IDisposable
    {
        /// <summary>PyTorch's default seed for a new generator (c10::default_rng_seed_val).</summary>
        public const ulong DefaultSeed = 67280421310721UL;

        private IntPtr handle;

        public Generator(ulong seed = DefaultSeed)
        {
            handle = NativeMethods.orc_generator_new(seed);
            TorchException.ThrowIfFailed();
        }

        internal static IntPtr HandleOf(Generator? generator) =>
            generator is null ? IntPtr.Zero
            : generator.handle != IntPtr.Zero ? generator.handle
            : throw new ObjectDisposedException(nameof(Generator));

        public Generator manual_seed(ulong seed)
        {
            NativeMethods.orc_generator_manual_seed(HandleOf(this), seed);
            TorchException.ThrowIfFailed();
            return this;
        }

        public ulong initial_seed()
        {
            var s = NativeMethods.orc_generator_initial_seed(HandleOf(this));
            TorchException.ThrowIfFailed();
            return s;
        }

        public byte[] get_state() => GetState(HandleOf(this));

        public void set_state(byte[] state) => SetState(HandleOf(this), state);

        public void Dispose()
        {
            if (handle == IntPtr.Zero) return;
            NativeMethods.orc_generator_free(handle);
            handle = IntPtr.Zero;
            GC.SuppressFinalize(this);
        }

        ~Generator()
        {
            if (handle != IntPtr.Zero) NativeMethods.orc_generator_free(handle);
        }

        internal static byte[] GetState(IntPtr generator)
        {
            using var state = new Tensor(NativeMethods.orc_generator_get_state(generator)).DetachFromDisposeScope();
            return state.data<byte>();
        }

        internal static void SetState(IntPtr generator, byte[] state)
        {
            ArgumentNullException.ThrowIfNull(state);
            using var t = tensor(state).DetachFromDisposeScope();
            NativeMethods.orc_generator_set_state(generator, t.Handle);
            TorchException.ThrowIfFailed();
        }
    }

    // The default generator is one per process: threads that seed it and draw from it at once interleave their draws.
    private static readonly Lock DefaultGeneratorLock = new();

    /// <summary>
    /// Runs <paramref name="build"/> (a model's random initialisation) with the default generator seeded with
    /// <paramref name="seed"/> and held from the seeding to the last draw, so the result depends on the seed only,
    /// however many models a process builds at once (in-process replicas, parallel tests). Reentrant.
    /// </summary>
    public static T WithSeed<T>(long seed, Func<T> build)
    {
        lock (DefaultGeneratorLock)
        {
            manual_seed(seed);
            return build();
        }
    }

    /// <summary>Seeds the default CPU generator (torch.manual_seed).</summary>
    public static void manual_seed(long seed)
    {
        NativeMethods.orc_generator_manual_seed(IntPtr.Zero, unchecked((ulong)seed));
        TorchException.ThrowIfFailed();
    }

    public static ulong initial_seed()
    {
        var s = NativeMethods.orc_generator_initial_seed(IntPtr.Zero);
        TorchException.ThrowIfFailed();
        return s;
    }

    /// <summary>The default CPU generator's state, as torch.get_rng_state() (byte-identical).</summary>
    public static byte[] get_rng_state() => Generator.GetState(IntPtr.Zero);

    public static void set_rng_state(byte[] state) => Generator.SetState(IntPtr.Zero, state);
}
