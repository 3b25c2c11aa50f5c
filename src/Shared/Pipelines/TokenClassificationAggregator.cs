namespace Orchestrator.Shared.Pipelines;

/// <summary>
/// Turns per-token label scores into entities as Hugging Face's TokenClassificationPipeline does (its
/// gather_pre_entities, aggregate, aggregate_words, group_entities and aggregate_overlapping_entities), without
/// a model: the inputs are the tokens, their offsets and their softmax scores.
/// </summary>
public sealed class TokenClassificationAggregator(IReadOnlyList<string> labels, Func<IReadOnlyList<string>, string> tokensToString)
{
    /// <summary>Labels dropped from the output (the pipeline's ignore_labels default).</summary>
    public static readonly IReadOnlySet<string> IgnoreLabels = new HashSet<string> { "O" };

    /// <summary>
    /// The pipeline's pre-entities of one chunk: special tokens skipped; offsets in code points; a token continues
    /// a word when its string and the text it covers differ in length (WordPiece's `##` prefix: the rule the
    /// pipeline applies to tokenizers with a continuing-subword prefix); the unknown token shows the text it covers
    /// and always starts a word. <paramref name="indexBase"/> is added to each token's index.
    /// </summary>
    public static List<PreEntity> Gather(CodePoints text, IReadOnlyList<ChunkToken> tokens, IReadOnlyList<float[]> scores, int indexBase = 0)
    {
        var result = new List<PreEntity>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Special) continue;
            var covered = text.Text[token.Start..token.End];
            var word = token.Token;
            bool isSubword = CodePoints.Count(word) != CodePoints.Count(covered);
            if (token.Unknown)
            {
                word = covered;
                isSubword = false;
            }
            result.Add(new PreEntity(word, scores[i], text.At(token.Start), text.At(token.End), indexBase + i, isSubword));
        }
        return result;
    }

    /// <summary>The entities of one chunk's pre-entities, "O" (ignore_labels) removed.</summary>
    public List<Entity> Entities(IReadOnlyList<PreEntity> preEntities, AggregationStrategy strategy)
    {
        List<Entity> entities = strategy.MergesWords()
            ? MergeWords(preEntities, strategy)
            : preEntities.Select(p =>
            {
                int best = NumpyFloat32.ArgMax(p.Scores);
                return new Entity(labels[best], p.Scores[best], p.Word, p.Start, p.End, p.Index);
            }).ToList();
        if (strategy != AggregationStrategy.None) entities = Group(entities);
        return entities.Where(e => !IgnoreLabels.Contains(e.Label)).ToList();
    }

    /// <summary>
    /// aggregate_words: a token that is not a sub-word starts a new word; each word takes one label
    /// (<see cref="MergeWord"/>) and spans its tokens.
    /// </summary>
    public List<Entity> MergeWords(IReadOnlyList<PreEntity> preEntities, AggregationStrategy strategy)
    {
        if (!strategy.MergesWords()) throw new ArgumentException($"{strategy.Name()} does not merge words", nameof(strategy));
        var words = new List<Entity>();
        var group = new List<PreEntity>();
        foreach (var token in preEntities)
        {
            if (group.Count > 0 && !token.IsSubword)
            {
                words.Add(MergeWord(group, strategy));
                group.Clear();
            }
            group.Add(token);
        }
        if (group.Count > 0) words.Add(MergeWord(group, strategy));
        return words;
    }

    /// <summary>
    /// aggregate_word: first: the first token's label and score; max: the label and score of the token whose best
    /// score is highest (the first such token); average: the label with the highest mean score over the tokens.
    /// </summary>
    private Entity MergeWord(IReadOnlyList<PreEntity> tokens, AggregationStrategy strategy)
    {
        float[] scores = strategy switch
        {
            AggregationStrategy.First => tokens[0].Scores,
            AggregationStrategy.Max => tokens.Aggregate((best, t) => t.Scores.Max() > best.Scores.Max() ? t : best).Scores,
            AggregationStrategy.Average => NumpyFloat32.MeanOfRows(tokens.Select(t => t.Scores).ToList()),
            _ => throw new ArgumentException($"{strategy.Name()} does not merge words", nameof(strategy)),
        };
        int label = NumpyFloat32.ArgMax(scores);
        var word = tokensToString(tokens.Select(t => t.Word).ToList());
        return new Entity(labels[label], scores[label], word, tokens[0].Start, tokens[^1].End);
    }

    /// <summary>
    /// group_entities: an entity joins the group before it when its tag (the label without B-/I-) is the group's
    /// last tag and it is not a B-; a label without a B-/I- prefix counts as I- of itself. A group is labelled
    /// with its first label's tag, scored with the mean of its scores, and its words are joined as the tokenizer
    /// joins tokens.
    /// </summary>
    public List<Entity> Group(IReadOnlyList<Entity> entities)
    {
        var groups = new List<Entity>();
        var current = new List<Entity>();
        foreach (var entity in entities)
        {
            if (current.Count > 0)
            {
                var (bi, tag) = Tag(entity.Label);
                var (_, lastTag) = Tag(current[^1].Label);
                if (!(tag == lastTag && bi != "B"))
                {
                    groups.Add(GroupOf(current));
                    current.Clear();
                }
            }
            current.Add(entity);
        }
        if (current.Count > 0) groups.Add(GroupOf(current));
        return groups;
    }

    private Entity GroupOf(IReadOnlyList<Entity> members)
    {
        var first = members[0].Label;
        int dash = first.IndexOf('-');
        var tag = dash < 0 ? first : first[(dash + 1)..];
        var score = NumpyFloat32.Mean(members.Select(m => m.Score).ToArray());
        var word = tokensToString(members.Select(m => m.Word).ToList());
        return new Entity(tag, score, word, members[0].Start, members[^1].End);
    }

    /// <summary>get_tag: ("B", tag) for B-tag, ("I", tag) for I-tag, ("I", label) for anything else.</summary>
    public static (string Bi, string Tag) Tag(string label) =>
        label.StartsWith("B-", StringComparison.Ordinal) ? ("B", label[2..])
        : label.StartsWith("I-", StringComparison.Ordinal) ? ("I", label[2..])
        : ("I", label);

    /// <summary>
    /// aggregate_overlapping_entities, for a text cut into overlapping chunks: entities sorted by start (stably);
    /// of entities that start inside the one kept before, the longer wins, or at equal length the higher score.
    /// </summary>
    public static List<Entity> MergeOverlapping(IReadOnlyList<Entity> entities)
    {
        if (entities.Count == 0) return [];
        var sorted = entities.OrderBy(e => e.Start).ToList();
        var merged = new List<Entity>();
        var previous = sorted[0];
        foreach (var entity in sorted)
        {
            if (previous.Start <= entity.Start && entity.Start < previous.End)
            {
                int length = entity.End - entity.Start, previousLength = previous.End - previous.Start;
                if (length > previousLength || (length == previousLength && entity.Score > previous.Score)) previous = entity;
            }
            else
            {
                merged.Add(previous);
                previous = entity;
            }
        }
        merged.Add(previous);
        return merged;
    }
}
