using System.Text;

namespace Orchestrator.Shared.Text.Unicode;

/// <summary>
/// Canonical decomposition (NFD) of one code point. The program runs with InvariantGlobalization, where
/// <see cref="string.Normalize()"/> is a no-op for non-ASCII text, so the table is generated into this
/// assembly (see generate-decompositions.mjs) and Hangul syllables are decomposed arithmetically.
/// </summary>
internal static partial class CanonicalDecompositions
{
    private const int HangulBase = 0xAC00, HangulCount = 11172, JamoL = 0x1100, JamoV = 0x1161, JamoT = 0x11A7;
    private const int VCount = 21, TCount = 28;

    /// <summary>Appends the NFD form of <paramref name="codePoint"/> to <paramref name="sink"/>, as UTF-16.</summary>
    public static void AppendDecomposition(int codePoint, ref ValueListBuilder<char> sink)
    {
        int hangulIndex = codePoint - HangulBase;
        if ((uint)hangulIndex < HangulCount)
        {
            sink.Append((char)(JamoL + hangulIndex / (VCount * TCount)));
            sink.Append((char)(JamoV + hangulIndex % (VCount * TCount) / TCount));
            int t = hangulIndex % TCount;
            if (t != 0) sink.Append((char)(JamoT + t));
            return;
        }
        int i = codePoint < 0xC0 ? -1 : Keys.BinarySearch(codePoint);
        if (i < 0)
        {
            new Rune(codePoint).TryEncodeToUtf16(sink.AppendSpan(new Rune(codePoint).Utf16SequenceLength), out _);
            return;
        }
        ReadOnlySpan<char> decomposition = Data.AsSpan(Starts[i], Starts[i + 1] - Starts[i]);
        decomposition.CopyTo(sink.AppendSpan(decomposition.Length));
    }

    /// <summary>True when the code point changes under NFD (cheap pre-check for the hot path).</summary>
    public static bool HasDecomposition(int codePoint) =>
        codePoint >= 0xC0 && ((uint)(codePoint - HangulBase) < HangulCount || Keys.BinarySearch(codePoint) >= 0);
}
