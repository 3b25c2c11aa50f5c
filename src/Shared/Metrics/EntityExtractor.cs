namespace Orchestrator.Shared.Metrics;

/// <summary>
/// Reads entities from tag sequences exactly as seqeval does (chakki-works/seqeval:
/// metrics/sequence_labeling.py <c>get_entities</c> for the default mode, scheme.py <c>Tokens</c> with
/// <c>IOB2</c> for strict mode). Prefix form only (<c>B-PER</c>), not the suffix form (<c>PER-B</c>).
/// </summary>
public static class EntityExtractor
{
    /// <summary>
    /// Default mode over several sentences: seqeval flattens them with an <c>O</c> after each sentence,
    /// so entity positions are positions in that joined sequence and nothing spans a sentence boundary.
    /// </summary>
    public static IReadOnlyList<EntitySpan> GetEntities(IEnumerable<IReadOnlyList<string>> sentences)
    {
        var joined = new List<string>();
        foreach (var sentence in sentences)
        {
            joined.AddRange(sentence);
            joined.Add("O");
        }
        return GetEntities(joined);
    }

    /// <summary>Default mode over one flat tag sequence (seqeval's <c>get_entities(seq)</c>).</summary>
    public static IReadOnlyList<EntitySpan> GetEntities(IReadOnlyList<string> tags)
    {
        var chunks = new List<EntitySpan>();
        char prevTag = 'O';
        string prevType = "";
        int begin = 0;
        // A trailing O closes an entity that runs to the end.
        for (int i = 0; i <= tags.Count; i++)
        {
            string chunk = i < tags.Count ? tags[i] : "O";
            if (chunk.Length == 0)
                throw new ArgumentException($"Empty tag at position {i}.", nameof(tags));
            char tag = chunk[0];
            // seqeval: chunk[1:].split('-', maxsplit=1)[-1] or '_'
            string rest = chunk.Substring(1);
            int dash = rest.IndexOf('-');
            string type = dash >= 0 ? rest.Substring(dash + 1) : rest;
            if (type.Length == 0) type = "_";

            if (EndOfChunk(prevTag, tag, prevType, type))
                chunks.Add(new EntitySpan(prevType, begin, i - 1));
            if (StartOfChunk(prevTag, tag, prevType, type))
                begin = i;
            prevTag = tag;
            prevType = type;
        }
        return chunks;
    }

    internal static bool EndOfChunk(char prevTag, char tag, string prevType, string type)
    {
        if (prevTag is 'E' or 'S') return true;
        if (prevTag is 'B' or 'I' && tag is 'B' or 'S' or 'O') return true;
        // '.' is exempt in seqeval (a conlleval leftover); kept for exactness.
        return prevTag != 'O' && prevTag != '.' && prevType != type;
    }

    internal static bool StartOfChunk(char prevTag, char tag, string prevType, string type)
    {
        if (tag is 'B' or 'S') return true;
        if (prevTag is 'E' or 'S' or 'O' && tag is 'I' or 'E') return true;
        return tag != 'O' && tag != '.' && prevType != type;
    }

    /// <summary>
    /// Strict IOB2 mode: each sentence on its own; an entity is B-X followed by any I-X; a stray I- is
    /// skipped. Throws like seqeval (which raises) on a prefix other than B, I or O.
    /// </summary>
    public static IReadOnlyList<EntitySpan> GetEntitiesStrictIob2(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        var entities = new List<EntitySpan>();
        for (int s = 0; s < sentences.Count; s++)
        {
            var sentence = sentences[s];
            int i = 0;
            while (i < sentence.Count)
            {
                var (prefix, type) = ParseStrict(sentence[i], s, i);
                if (prefix != 'B')
                {
                    i++;
                    continue;
                }
                int end = i + 1;
                while (end < sentence.Count)
                {
                    var (nextPrefix, nextType) = ParseStrict(sentence[end], s, end);
                    if (nextPrefix != 'I' || nextType != type) break;
                    end++;
                }
                // seqeval's Entity end is exclusive; ours is inclusive like get_entities.
                entities.Add(new EntitySpan(type, i, end - 1, s));
                i = end;
            }
        }
        return entities;
    }

    private static (char Prefix, string Type) ParseStrict(string token, int sentence, int position)
    {
        if (token.Length == 0 || token[0] is not ('B' or 'I' or 'O'))
            throw new ArgumentException(
                $"Tag '{token}' (sentence {sentence}, position {position}) is not valid in the IOB2 scheme: expected B-, I- or O.");
        // seqeval scheme.Token: token[1:].strip('-') or '_'
        string type = token.Substring(1).Trim('-');
        return (token[0], type.Length == 0 ? "_" : type);
    }
}
