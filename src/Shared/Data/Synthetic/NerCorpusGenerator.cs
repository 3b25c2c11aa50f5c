using System.Globalization;
using System.Text;

namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>One generated sentence with the four CoNLL-2003 columns.</summary>
public sealed record ConllSentence(string[] Words, string[] Pos, string[] Chunks, string[] Ner);

/// <summary>
/// A learnable synthetic NER corpus in CoNLL-2003 layout (IOB2 tags PER, ORG, LOC, MISC): sentences from
/// <see cref="NerTemplates"/> with slots filled from <see cref="WordPools"/>, so entity types follow from
/// both the names and their context. Part-of-speech tags come from the lexicon (entity words NNP), chunk
/// tags from the part-of-speech tags. Fully determined by the seed (<see cref="Pcg32"/>).
/// </summary>
public static class NerCorpusGenerator
{
    /// <summary>CoNLL-2003's label order, written to labels.txt next to the corpus.</summary>
    public static readonly string[] Labels = { "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC" };

    public static List<ConllSentence> Generate(int count, ulong seed)
    {
        var random = new Pcg32(seed);
        var sentences = new List<ConllSentence>(count);
        for (int i = 0; i < count; i++)
            sentences.Add(Sentence(random, random.Pick(NerTemplates.Sentences)));
        return sentences;
    }

    private static ConllSentence Sentence(Pcg32 random, string template)
    {
        var words = new List<string>();
        var pos = new List<string>();
        var ner = new List<string>();
        foreach (var token in template.Split(' '))
        {
            switch (token)
            {
                case "{PER}": Person(random, words, pos, ner); break;
                case "{ORG}": Entity(random.Pick(WordPools.Organisations), "ORG", words, pos, ner); break;
                case "{LOC}": Entity(random.Pick(WordPools.Places), "LOC", words, pos, ner); break;
                case "{MISC}": Entity(random.Pick(WordPools.Miscellaneous), "MISC", words, pos, ner); break;
                case "{DAY}": Add(random.Pick(WordPools.Days), "NNP", "O", words, pos, ner); break;
                case "{MONTH}": Add(random.Pick(WordPools.Months), "NNP", "O", words, pos, ner); break;
                case "{NUM}": Add((1 + random.NextInt(99)).ToString(CultureInfo.InvariantCulture), "CD", "O", words, pos, ner); break;
                default:
                    if (!NerTemplates.Lexicon.TryGetValue(token, out var tag))
                        throw new InvalidOperationException($"template word '{token}' has no part-of-speech tag in the lexicon");
                    Add(token, tag, "O", words, pos, ner);
                    break;
            }
        }
        return new ConllSentence(words.ToArray(), pos.ToArray(), Chunks(pos), ner.ToArray());
    }

    private static void Person(Pcg32 random, List<string> words, List<string> pos, List<string> ner)
    {
        int form = random.NextInt(10);
        if (form < 2)
        {
            // A title is context, not part of the name (CoNLL-2003 convention).
            Add(random.Pick(WordPools.Titles), "NNP", "O", words, pos, ner);
            Entity(random.Pick(WordPools.Surnames), "PER", words, pos, ner);
        }
        else if (form < 7)
            Entity(random.Pick(WordPools.FirstNames) + " " + random.Pick(WordPools.Surnames), "PER", words, pos, ner);
        else if (form < 9)
            Entity(random.Pick(WordPools.Surnames), "PER", words, pos, ner);
        else
            Entity(random.Pick(WordPools.FirstNames), "PER", words, pos, ner);
    }

    private static void Entity(string name, string type, List<string> words, List<string> pos, List<string> ner)
    {
        var parts = name.Split(' ');
        for (int i = 0; i < parts.Length; i++)
        {
            var tag = parts[i] switch { "of" => "IN", "and" => "CC", _ => "NNP" };
            Add(parts[i], tag, (i == 0 ? "B-" : "I-") + type, words, pos, ner);
        }
    }

    private static void Add(string word, string posTag, string nerTag, List<string> words, List<string> pos, List<string> ner)
    {
        words.Add(word);
        pos.Add(posTag);
        ner.Add(nerTag);
    }

    /// <summary>Shallow chunks from part-of-speech tags: noun-phrase words (with "of"/"and" inside names
    /// left as prepositions) form NP, verbs VP, prepositions PP, the rest O.</summary>
    private static string[] Chunks(IReadOnlyList<string> pos)
    {
        var chunks = new string[pos.Count];
        string? previous = null;
        for (int i = 0; i < pos.Count; i++)
        {
            string? kind = pos[i] switch
            {
                "DT" or "PRP$" or "JJ" or "JJR" or "JJS" or "NN" or "NNS" or "NNP" or "CD" or "PRP" or "WP" => "NP",
                "VB" or "VBD" or "VBG" or "VBN" or "VBZ" or "VBP" or "MD" or "TO" => "VP",
                "IN" => "PP",
                "RB" or "WRB" => "ADVP",
                _ => null,
            };
            // A determiner starts a new noun phrase even right after another one.
            bool begins = kind != previous || kind == "PP" || pos[i] == "DT";
            chunks[i] = kind is null ? "O" : (begins ? "B-" : "I-") + kind;
            previous = kind;
        }
        return chunks;
    }

    /// <summary>CoNLL-2003 layout: `-DOCSTART- -X- -X- O` before each document (of 5 to 24 sentences),
    /// `word POS chunk NER` per line, a blank line after each sentence.</summary>
    public static string ToConll(IReadOnlyList<ConllSentence> sentences, ulong seed)
    {
        var random = new Pcg32(seed, stream: 7);
        var text = new StringBuilder();
        int leftInDocument = 0;
        foreach (var sentence in sentences)
        {
            if (leftInDocument == 0)
            {
                text.Append("-DOCSTART- -X- -X- O\n\n");
                leftInDocument = 5 + random.NextInt(20);
            }
            for (int i = 0; i < sentence.Words.Length; i++)
                text.Append(sentence.Words[i]).Append(' ').Append(sentence.Pos[i]).Append(' ')
                    .Append(sentence.Chunks[i]).Append(' ').Append(sentence.Ner[i]).Append('\n');
            text.Append('\n');
            leftInDocument--;
        }
        return text.ToString();
    }
}
