using System.Globalization;
using System.Text;

namespace Orchestrator.Shared.Metrics;

/// <summary>
/// The few Python 3 <c>str</c> behaviours the official SQuAD script depends on, on code points (a lone
/// surrogate stays one code point, as in a Python str): <c>str.lower()</c>, <c>str.isspace()</c> (what
/// <c>str.split()</c> splits on) and <c>re</c>'s <c>\w</c> for str patterns (what <c>\b</c> looks at).
/// .NET's own versions differ at the edges: ToLowerInvariant keeps U+0130 and has no final sigma,
/// char.IsWhiteSpace misses U+001C..U+001F, and Regex's \w counts combining marks but not No/Nl digits.
/// </summary>
internal static class PythonStr
{
    private const int CapitalSigma = 0x03A3, SmallSigma = 0x03C3, FinalSigma = 0x03C2;

    /// <summary>Python's <c>str.lower()</c>: full lower-case mapping (U+0130 becomes "i\u0307") and the Final_Sigma rule.</summary>
    public static string Lower(string text)
    {
        var codePoints = CodePoints(text);
        var lowered = new StringBuilder(text.Length);
        for (int i = 0; i < codePoints.Length; i++)
        {
            int c = codePoints[i];
            if (c == 0x0130)
                lowered.Append("i\u0307");
            else if (c == CapitalSigma)
                Append(lowered, IsFinalSigma(codePoints, i) ? FinalSigma : SmallSigma);
            else
                Append(lowered, IsSurrogate(c) ? c : Rune.ToLowerInvariant(new Rune(c)).Value);
        }
        return lowered.ToString();
    }

    /// <summary>Python's <c>str.isspace()</c> for one code point (Unicode White_Space plus the bidi separators U+001C..U+001F).</summary>
    public static bool IsSpace(int c) => c switch
    {
        >= 0x09 and <= 0x0D or >= 0x1C and <= 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary><c>re</c>'s <c>\w</c> on a str: <c>str.isalnum()</c> (letters and anything numeric) or '_'.</summary>
    public static bool IsWordChar(int c) => c == '_' || !IsSurrogate(c) && Category(c) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => false,
    };

    /// <summary>The code points of <paramref name="text"/>; an unpaired surrogate is kept as its own value.</summary>
    public static int[] CodePoints(string text)
    {
        var result = new List<int>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Add(char.ConvertToUtf32(text[i], text[i + 1]));
                i++;
            }
            else
                result.Add(text[i]);
        }
        return result.ToArray();
    }

    public static void Append(StringBuilder builder, int codePoint)
    {
        if (IsSurrogate(codePoint)) builder.Append((char)codePoint);
        else builder.Append(new Rune(codePoint).ToString());
    }

    /// <summary>
    /// Unicode's Final_Sigma context as CPython tests it on the original string: a cased letter before the
    /// sigma (skipping case-ignorable ones) and no cased letter after it (skipping case-ignorable ones).
    /// </summary>
    private static bool IsFinalSigma(int[] codePoints, int index)
    {
        int j = index - 1;
        while (j >= 0 && IsCaseIgnorable(codePoints[j])) j--;
        if (j < 0 || !IsCased(codePoints[j])) return false;
        j = index + 1;
        while (j < codePoints.Length && IsCaseIgnorable(codePoints[j])) j++;
        return j == codePoints.Length || !IsCased(codePoints[j]);
    }

    /// <summary>Unicode's Cased: Lu, Ll, Lt, anything with a case mapping, and the Other_Lowercase/Other_Uppercase symbols without one.</summary>
    private static bool IsCased(int c)
    {
        if (IsSurrogate(c)) return false;
        var category = Category(c);
        if (category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter)
            return true;
        var rune = new Rune(c);
        if (Rune.ToLowerInvariant(rune) != rune || Rune.ToUpperInvariant(rune) != rune || c is 0x0130 or 0x0131)
            return true;
        // Other_Lowercase / Other_Uppercase code points that are neither modifier letters nor mapped.
        return c is 0xAA or 0xBA or >= 0x1F130 and <= 0x1F149 or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189;
    }

    /// <summary>Unicode's Case_Ignorable: Mn, Me, Cf, Lm, Sk, and the Word_Break classes MidLetter, MidNumLet and Single_Quote.</summary>
    private static bool IsCaseIgnorable(int c)
    {
        if (IsSurrogate(c)) return false;
        if (Category(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol)
            return true;
        return c is '\'' or '.' or ':' or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
    }

    private static UnicodeCategory Category(int c) => CharUnicodeInfo.GetUnicodeCategory(c);

    private static bool IsSurrogate(int c) => c is >= 0xD800 and <= 0xDFFF;
}
