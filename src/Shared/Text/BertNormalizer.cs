using System.Text;
using Orchestrator.Shared.Text.Unicode;

namespace Orchestrator.Shared.Text;

/// <summary>
/// BertNormalizer with alignment: every normalized UTF-16 unit remembers the original UTF-16 range it came
/// from, so token offsets point into the caller's text even when accents were stripped or a character grew
/// under lower-casing. Steps in the fast tokenizer's order: clean text, space CJK ideographs, strip accents
/// (NFD, drop Mn), lower-case.
/// </summary>
internal sealed class BertNormalizer(BertNormalizerOptions options)
{
    private readonly bool _clean = options.CleanText;
    private readonly bool _chinese = options.HandleChineseChars;
    private readonly bool _strip = options.ShouldStripAccents;
    private readonly bool _lower = options.Lowercase;

    public BertNormalizerOptions Options { get; } = options;

    /// <summary>Normalizes <paramref name="text"/>; original offsets are reported as <paramref name="baseOffset"/> + index.</summary>
    public void Normalize(ReadOnlySpan<char> text, int baseOffset, NormalizedBuffer output)
    {
        for (int i = 0; i < text.Length; )
        {
            char c = text[i];
            int start = baseOffset + i;
            if (c < 0x80)
            {
                i++;
                if (_clean)
                {
                    if (c is ' ' or '\t' or '\n' or '\r') { output.Add(' ', start, start + 1); continue; }
                    if (c < 0x20 || c == 0x7F) continue;
                }
                if (_lower && (uint)(c - 'A') <= 'Z' - 'A') c = (char)(c + 32);
                output.Add(c, start, start + 1);
                continue;
            }

            int cp, length;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(c, text[i + 1]);
                length = 2;
            }
            else
            {
                // A lone surrogate cannot reach the Rust tokenizer (it becomes U+FFFD there): treat it as U+FFFD.
                cp = char.IsSurrogate(c) ? 0xFFFD : c;
                length = 1;
            }
            i += length;
            int end = start + length;

            if (_clean)
            {
                if (cp == 0xFFFD || CharClasses.IsControl(cp)) continue;
                if (CharClasses.IsWhitespace(cp)) { output.Add(' ', start, end); continue; }
            }
            bool chinese = _chinese && CharClasses.IsChinese(cp);
            if (chinese) output.Add(' ', start, end);
            if (_strip && CharClasses.IsNonSpacingMark(cp)) { }
            else if (_strip && CanonicalDecompositions.HasDecomposition(cp)) AddStripped(cp, start, end, output);
            else AddCased(cp, start, end, output);
            if (chinese) output.Add(' ', start, end);
        }
    }

    /// <summary>Normalizes a whole string (for parity checks and the CLI).</summary>
    public string Normalize(string text)
    {
        var buffer = new NormalizedBuffer();
        Normalize(text, 0, buffer);
        return new string(buffer.Chars);
    }

    private void AddStripped(int cp, int start, int end, NormalizedBuffer output)
    {
        output.Decomposition.Clear();
        CanonicalDecompositions.AppendDecomposition(cp, ref output.Decomposition);
        var span = output.Decomposition.AsSpan();
        for (int j = 0; j < span.Length; )
        {
            Rune.DecodeFromUtf16(span[j..], out var rune, out int used);
            j += used;
            if (!CharClasses.IsNonSpacingMark(rune.Value)) AddCased(rune.Value, start, end, output);
        }
    }

    private void AddCased(int cp, int start, int end, NormalizedBuffer output)
    {
        if (_lower)
        {
            // Rust's char::to_lowercase uses the full mapping; U+0130 is the one code point whose lower case
            // is two code points. .NET's invariant casing leaves it unchanged.
            if (cp == 0x130) { output.Add('i', start, end); output.Add('\u0307', start, end); return; }
            cp = Rune.ToLowerInvariant(new Rune(cp)).Value;
        }
        if (cp < 0x10000) output.Add((char)cp, start, end);
        else
        {
            output.Add((char)(0xD7C0 + (cp >> 10)), start, end);
            output.Add((char)(0xDC00 | (cp & 0x3FF)), start, end);
        }
    }
}

/// <summary>Normalized UTF-16 text with the original range of each unit; reused across calls.</summary>
internal sealed class NormalizedBuffer
{
    private char[] _chars = new char[256];
    private int[] _starts = new int[256];
    private int[] _ends = new int[256];

    /// <summary>Scratch for one code point's decomposition.</summary>
    public ValueListBuilder<char> Decomposition = new(8);

    public int Count { get; private set; }
    public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Count);
    public int StartOf(int index) => _starts[index];
    public int EndOf(int index) => _ends[index];

    public void Clear() => Count = 0;

    public void Add(char c, int start, int end)
    {
        if (Count == _chars.Length)
        {
            int size = _chars.Length * 2;
            Array.Resize(ref _chars, size);
            Array.Resize(ref _starts, size);
            Array.Resize(ref _ends, size);
        }
        _chars[Count] = c;
        _starts[Count] = start;
        _ends[Count] = end;
        Count++;
    }
}
