using System.Buffers.Binary;

namespace Orchestrator.Shared.Text.SentencePiece;

/// <summary>
/// sentencepiece's normalizer (normalizer.cc) on UTF-8 bytes. At each position the longest rule of the
/// model's `precompiled_charsmap` that matches the input's bytes is applied (a Darts-clone trie whose values
/// point into a blob of NUL-terminated replacement strings); where no rule matches, one UTF-8 character is
/// copied (a malformed byte becomes U+FFFD). User-defined symbols are matched first and copied unchanged.
/// Whitespace: leading spaces are dropped, runs collapse to one, trailing spaces are dropped
/// (`remove_extra_whitespaces`); a "▁" is prepended (`add_dummy_prefix`); spaces become "▁"
/// (`escape_whitespaces`). Alongside, the byte offset in the input of every output byte is kept.
/// </summary>
internal sealed class SentencePieceNormalizer
{
    private static ReadOnlySpan<byte> SpaceSymbol => "\u2581"u8;
    private static ReadOnlySpan<byte> ReplacementChar => "\uFFFD"u8;

    private readonly DartsDoubleArray? _trie;
    private readonly byte[] _normalized = [];
    private readonly byte[][] _userDefinedLongestFirst;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;
    private readonly bool _treatWhitespaceAsSuffix;

    public SentencePieceNormalizer(ModelProto model, IEnumerable<string> userDefinedSymbols, string source)
    {
        var charsmap = model.PrecompiledCharsmap;
        if (charsmap.Length > 0)
        {
            // <trie size: uint32 LE><double-array units><normalized strings>
            if (charsmap.Length <= 4) throw new FormatException($"{source}: precompiled_charsmap is broken (only {charsmap.Length} bytes)");
            uint trieSize = BinaryPrimitives.ReadUInt32LittleEndian(charsmap);
            if (trieSize >= charsmap.Length - 4 || trieSize % 4 != 0)
                throw new FormatException($"{source}: precompiled_charsmap is broken (trie size {trieSize} of a {charsmap.Length}-byte blob)");
            _trie = new DartsDoubleArray(charsmap.AsSpan(4, (int)trieSize));
            _normalized = charsmap.AsSpan(4 + (int)trieSize).ToArray();
        }
        _userDefinedLongestFirst = userDefinedSymbols.Select(s => System.Text.Encoding.UTF8.GetBytes(s))
            .Where(b => b.Length > 0).OrderByDescending(b => b.Length).ToArray();
        _addDummyPrefix = model.AddDummyPrefix;
        _removeExtraWhitespaces = model.RemoveExtraWhitespaces;
        _escapeWhitespaces = model.EscapeWhitespaces;
        _treatWhitespaceAsSuffix = model.TreatWhitespaceAsSuffix;
    }

    /// <summary>
    /// Normalizes <paramref name="input"/> into <paramref name="output"/>; <paramref name="normToOrig"/> gets
    /// one entry per output byte plus a final one (the input offset where the text ends), as in sentencepiece.
    /// </summary>
    public void Normalize(ReadOnlySpan<byte> input, ref ValueListBuilder<byte> output, ref ValueListBuilder<int> normToOrig)
    {
        output.Clear();
        normToOrig.Clear();
        if (input.IsEmpty) return;

        int consumed = 0;
        if (_removeExtraWhitespaces)
        {
            while (!input.IsEmpty)
            {
                var prefix = NormalizePrefix(input, out int length);
                if (!(prefix.Length == 1 && prefix[0] == (byte)' ')) break;
                input = input[length..];
                consumed += length;
            }
        }
        if (input.IsEmpty) return;

        if (!_treatWhitespaceAsSuffix && _addDummyPrefix) AddSpace(ref output, ref normToOrig, consumed);

        bool isPrevSpace = _removeExtraWhitespaces;
        while (!input.IsEmpty)
        {
            var piece = NormalizePrefix(input, out int length);
            // Drops the spaces a piece starts with when the text so far ends with one.
            while (isPrevSpace && !piece.IsEmpty && piece[0] == (byte)' ') piece = piece[1..];
            if (!piece.IsEmpty)
            {
                foreach (byte b in piece)
                {
                    if (_escapeWhitespaces && b == (byte)' ')
                    {
                        SpaceSymbol.CopyTo(output.AppendSpan(3));
                        for (int m = 0; m < 3; m++) normToOrig.Append(consumed);
                    }
                    else
                    {
                        output.Append(b);
                        normToOrig.Append(consumed);
                    }
                }
                isPrevSpace = piece[^1] == (byte)' ';
            }
            consumed += length;
            input = input[length..];
            if (!_removeExtraWhitespaces) isPrevSpace = false;
        }

        if (_removeExtraWhitespaces)
        {
            var space = _escapeWhitespaces ? SpaceSymbol : " "u8;
            while (output.Count >= space.Length && output.AsSpan().EndsWith(space))
            {
                int length = output.Count - space.Length;
                consumed = normToOrig[length];
                output.Truncate(length);
                normToOrig.Truncate(length);
            }
        }

        if (_treatWhitespaceAsSuffix && _addDummyPrefix) AddSpace(ref output, ref normToOrig, consumed);
        normToOrig.Append(consumed);
    }

    private void AddSpace(ref ValueListBuilder<byte> output, ref ValueListBuilder<int> normToOrig, int consumed)
    {
        var space = _escapeWhitespaces ? SpaceSymbol : " "u8;
        space.CopyTo(output.AppendSpan(space.Length));
        for (int n = 0; n < space.Length; n++) normToOrig.Append(consumed);
    }

    /// <summary>The replacement for the start of <paramref name="input"/> and how many input bytes it consumes.</summary>
    private ReadOnlySpan<byte> NormalizePrefix(ReadOnlySpan<byte> input, out int consumed)
    {
        foreach (var symbol in _userDefinedLongestFirst)
        {
            if (input.StartsWith(symbol))
            {
                consumed = symbol.Length;
                return input[..symbol.Length];
            }
        }
        if (_trie is not null)
        {
            int longest = _trie.LongestPrefix(input, out int value);
            if (longest > 0)
            {
                consumed = longest;
                var rest = _normalized.AsSpan(value);
                int end = rest.IndexOf((byte)0);
                return end < 0 ? rest : rest[..end];
            }
        }
        if (Utf8Char.TryDecode(input, out int length))
        {
            consumed = length;
            return input[..length];
        }
        consumed = 1;
        return ReplacementChar;
    }
}

/// <summary>sentencepiece's UTF-8 rules (util.cc DecodeUTF8 / OneCharLen).</summary>
internal static class Utf8Char
{
    /// <summary>The length of the character at the start, or false (length 1) for a malformed byte, as IsValidDecodeUTF8.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> s, out int length)
    {
        length = 1;
        byte b0 = s[0];
        if (b0 < 0x80) return true;
        int len = s.Length;
        if (len >= 2 && (b0 & 0xE0) == 0xC0)
        {
            int cp = ((b0 & 0x1F) << 6) | (s[1] & 0x3F);
            if (IsTrail(s[1]) && cp >= 0x80 && IsValid(cp)) { length = 2; return true; }
        }
        else if (len >= 3 && (b0 & 0xF0) == 0xE0)
        {
            int cp = ((b0 & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
            if (IsTrail(s[1]) && IsTrail(s[2]) && cp >= 0x800 && IsValid(cp)) { length = 3; return true; }
        }
        else if (len >= 4 && (b0 & 0xF8) == 0xF0)
        {
            int cp = ((b0 & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
            if (IsTrail(s[1]) && IsTrail(s[2]) && IsTrail(s[3]) && cp >= 0x10000 && IsValid(cp)) { length = 4; return true; }
        }
        return false;
    }

    /// <summary>Bytes of the character starting with <paramref name="b"/> by its lead byte alone (OneCharLen).</summary>
    public static int LengthFromLead(byte b) => (b >> 4) switch { 12 or 13 => 2, 14 => 3, 15 => 4, _ => 1 };

    private static bool IsTrail(byte b) => (b & 0xC0) == 0x80;
    private static bool IsValid(int cp) => cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
}
