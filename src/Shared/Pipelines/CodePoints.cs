namespace Orchestrator.Shared.Pipelines;

/// <summary>
/// Converts UTF-16 indices of one string (what our tokenizer's offsets are) into code point indices (what Python's
/// str indices, and so the pipelines' start and end, are). They differ after any character outside the BMP (emoji).
/// </summary>
public sealed class CodePoints
{
    private readonly int[] _codePointAt;

    public CodePoints(string text)
    {
        Text = text;
        _codePointAt = new int[text.Length + 1];
        int codePoint = 0;
        for (int i = 0; i < text.Length; i++)
        {
            _codePointAt[i] = codePoint;
            if (!(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))) codePoint++;
        }
        _codePointAt[text.Length] = codePoint;
        Length = codePoint;
    }

    public string Text { get; }

    /// <summary>The text's length as Python's len counts it.</summary>
    public int Length { get; }

    /// <summary>The code point index of UTF-16 index <paramref name="utf16"/> (the text's length at its end).</summary>
    public int At(int utf16) => _codePointAt[utf16];

    /// <summary>Python's len of a string: its code points.</summary>
    public static int Count(string s)
    {
        int count = 0;
        for (int i = 0; i < s.Length; i++)
            if (!(char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))) count++;
        return count;
    }
}
