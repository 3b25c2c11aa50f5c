namespace Orchestrator.Shared.Data;

/// <summary>Helpers for IOB-style tags (`B-PER`, `I-PER`, `O`, and the E-/S- prefixes of IOBES).</summary>
public static class Iob
{
    /// <summary>Splits `B-PER` into ('B', "PER"); `O` and non-IOB tags give null.</summary>
    public static (char Prefix, string Type)? Parse(string tag)
    {
        if (tag.Length >= 3 && tag[1] == '-' && tag[0] is 'B' or 'I' or 'E' or 'S')
            return (tag[0], tag.Substring(2));
        return null;
    }

    public static bool IsOutside(string tag) => tag == "O";

    /// <summary>
    /// IOB1 (CoNLL-2003 as distributed: B- only between two adjacent entities of one type) to IOB2
    /// (every entity starts with B-): an I-X becomes B-X unless the previous tag is B-X or I-X.
    /// </summary>
    public static string[] Iob1ToIob2(IReadOnlyList<string> tags)
    {
        var result = new string[tags.Count];
        for (int i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            var parsed = Parse(tag);
            if (parsed is ('I', var type))
            {
                var previous = i == 0 ? null : Parse(tags[i - 1]);
                bool continues = previous is { } p && p.Prefix is 'B' or 'I' && p.Type == type;
                if (!continues)
                    tag = "B-" + type;
            }
            result[i] = tag;
        }
        return result;
    }
}
