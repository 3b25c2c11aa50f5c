namespace Orchestrator.Shared.Data;

/// <summary>
/// PCG32 (O'Neill 2014, "PCG XSH RR 64/32"): 64-bit LCG state, 32-bit output by xorshift-high then
/// random rotate; seeded like the reference <c>pcg32_srandom_r(initstate, initseq)</c>. Used instead of
/// System.Random, whose algorithm is not guaranteed across .NET versions, so data orders are reproducible
/// forever and on every machine. Bounded draws use the reference's rejection method (no modulo bias).
/// </summary>
public sealed class Pcg32
{
    private const ulong Multiplier = 6364136223846793005UL;
    /// <summary>The reference implementation's default stream selector.</summary>
    public const ulong DefaultStream = 0xda3e39cb94b95bdbUL >> 1;

    private ulong _state;
    private readonly ulong _increment;

    public Pcg32(ulong seed, ulong stream = DefaultStream)
    {
        _increment = (stream << 1) | 1UL;
        _state = 0;
        NextUInt();
        _state += seed;
        NextUInt();
    }

    public uint NextUInt()
    {
        ulong old = _state;
        _state = unchecked(old * Multiplier + _increment);
        uint xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        int rotation = (int)(old >> 59);
        return (xorShifted >> rotation) | (xorShifted << (-rotation & 31));
    }

    /// <summary>Uniform in [0, bound).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0)
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "must be positive");
        uint b = (uint)bound;
        uint threshold = unchecked(0u - b) % b;
        while (true)
        {
            uint r = NextUInt();
            if (r >= threshold)
                return (int)(r % b);
        }
    }

    /// <summary>Uniform in [0, 1) with 32 bits of resolution.</summary>
    public double NextDouble() => NextUInt() / 4294967296.0;

    /// <summary>A uniform permutation of 0..n-1 (Fisher-Yates from the end).</summary>
    public int[] Permutation(int n)
    {
        var result = new int[n];
        for (int i = 0; i < n; i++)
            result[i] = i;
        Shuffle(result);
        return result;
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];
}
