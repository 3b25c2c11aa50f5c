using System.Globalization;

namespace Orchestrator.Shared.Text;

/// <summary>
/// Character classes of Hugging Face's BertNormalizer and BertPreTokenizer (tokenizers: normalizers/bert.rs,
/// pre_tokenizers/bert.rs), on code points.
/// </summary>
internal static class CharClasses
{
    /// <summary>
    /// CJK ideograph blocks that get spaces around them. Matches the fast (Rust) tokenizer, whose Extension E/F
    /// range starts at U+2B920 rather than the slow tokenizer's U+2B820: U+2B820-U+2B91F is not spaced.
    /// </summary>
    public static bool IsChinese(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
        (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);

    /// <summary>The Unicode White_Space property (Rust's char::is_whitespace).</summary>
    public static bool IsWhitespace(int cp) => cp switch
    {
        ' ' or >= 0x09 and <= 0x0D => true,
        < 0x85 => false,
        0x85 or 0xA0 or 0x1680 or (>= 0x2000 and <= 0x200A) or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>
    /// Dropped by clean-text: control, format, private-use and surrogate code points, but not \t \n \r (whitespace).
    /// Unassigned code points are kept, as the Rust tokenizer keeps them.
    /// </summary>
    public static bool IsControl(int cp)
    {
        if (cp < 0x80) return cp is < 0x20 and not ('\t' or '\n' or '\r') || cp == 0x7F;
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    /// <summary>ASCII 33-47, 58-64, 91-96, 123-126, and every Unicode P* category.</summary>
    public static bool IsPunctuation(int cp)
    {
        if (cp < 0x80) return cp is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126);
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is >= UnicodeCategory.ConnectorPunctuation and <= UnicodeCategory.OtherPunctuation;
    }

    public static bool IsNonSpacingMark(int cp) =>
        cp >= 0x300 && CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.NonSpacingMark;
}
