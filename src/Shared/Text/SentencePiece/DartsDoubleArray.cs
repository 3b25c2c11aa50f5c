using System.Buffers.Binary;

namespace Orchestrator.Shared.Text.SentencePiece;

/// <summary>
/// A read-only Darts-clone double-array trie, the format sentencepiece stores its normalization rules in
/// (the first part of `precompiled_charsmap`). Each unit is a little-endian uint32 packing a label, an
/// offset to the children and a has-leaf flag; a leaf unit holds a value (here: an offset into the blob
/// of normalized strings). Only the common-prefix search is needed.
/// </summary>
internal sealed class DartsDoubleArray
{
    private readonly uint[] _units;

    public DartsDoubleArray(ReadOnlySpan<byte> blob)
    {
        _units = new uint[blob.Length / 4];
        for (int i = 0; i < _units.Length; i++) _units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob[(i * 4)..]);
    }

    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;
    private static int Value(uint unit) => (int)(unit & ((1U << 31) - 1));
    private static uint Label(uint unit) => unit & ((1U << 31) | 0xFF);
    private static int Offset(uint unit) => (int)((unit >> 10) << (int)((unit & (1U << 9)) >> 6));

    /// <summary>
    /// The longest key that is a prefix of <paramref name="key"/>: its length in bytes (0 if none) and value.
    /// Same walk as Darts' commonPrefixSearch, keeping the last (longest) result.
    /// </summary>
    public int LongestPrefix(ReadOnlySpan<byte> key, out int value)
    {
        value = 0;
        int longest = 0;
        if (_units.Length == 0) return 0;
        int nodePos = 0;
        uint unit = _units[nodePos];
        nodePos ^= Offset(unit);
        for (int i = 0; i < key.Length; i++)
        {
            nodePos ^= key[i];
            if ((uint)nodePos >= (uint)_units.Length) return longest;
            unit = _units[nodePos];
            if (Label(unit) != key[i]) return longest;
            nodePos ^= Offset(unit);
            if ((uint)nodePos >= (uint)_units.Length) return longest;
            if (HasLeaf(unit))
            {
                longest = i + 1;
                value = Value(_units[nodePos]);
            }
        }
        return longest;
    }
}
