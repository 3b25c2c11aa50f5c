using Orchestrator.Shared.IO;
namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>
/// The bundled default data (committed under data/ at the repository root and copied next to the
/// program): ner/ (CoNLL-2003 layout, 2000/300/300 sentences, labels.txt in CoNLL-2003 order),
/// paraphrase/ (MRPC layout, 1000/200/200 pairs), sentiment/ (JSON Lines text/label, 1000/200/200), a
/// cased vocab.txt built from those three, and qa/ (CSV context,question,text for the seq2seq task,
/// 1500/200/200; its tokenizer is data/t5/spiece.model, made by data/t5/make-spiece.sh). Same seed, same bytes.
/// </summary>
public static class DefaultDataGenerator
{
    public const ulong DefaultSeed = 42;
    public const int VocabularySize = 3000;

    public static readonly (Split Split, string Name, int Ner, int Pairs, int Reviews, int Questions)[] Sizes =
    {
        (Split.Train, "train", 2000, 1000, 1000, 1500),
        (Split.Validation, "validation", 300, 200, 200, 200),
        (Split.Test, "test", 300, 200, 200, 200),
    };

    /// <summary>Every file, by path relative to the output folder (with '/' separators), and its text.</summary>
    public static SortedDictionary<string, string> Render(ulong seed = DefaultSeed)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var vocabulary = new VocabularyBuilder(lowercase: false);
        int nextPairId = 100000;
        for (int s = 0; s < Sizes.Length; s++)
        {
            var (_, name, nerCount, pairCount, reviewCount, questionCount) = Sizes[s];
            ulong splitSeed = seed * 1000 + (ulong)s * 10;

            var sentences = NerCorpusGenerator.Generate(nerCount, splitSeed + 1);
            files[$"ner/{name}.conll"] = NerCorpusGenerator.ToConll(sentences, splitSeed + 1);
            foreach (var sentence in sentences)
                vocabulary.AddWords(sentence.Words);

            var pairs = ParaphraseGenerator.Generate(pairCount, splitSeed + 2, nextPairId);
            nextPairId = pairs[^1].Id2 + 1000;
            files[$"paraphrase/{name}.tsv"] = ParaphraseGenerator.ToTsv(pairs);
            foreach (var pair in pairs)
            {
                vocabulary.AddText(pair.Sentence1);
                vocabulary.AddText(pair.Sentence2);
            }

            var reviews = SentimentGenerator.Generate(reviewCount, splitSeed + 3);
            files[$"sentiment/{name}.jsonl"] = SentimentGenerator.ToJsonl(reviews);
            foreach (var review in reviews)
                vocabulary.AddText(review.Text);

            // Not added to vocab.txt (the BERT tasks' vocabulary): T5 has its own SentencePiece model.
            files[$"qa/{name}.csv"] = QaGenerator.ToCsv(QaGenerator.Generate(questionCount, splitSeed + 4));
        }
        files["ner/labels.txt"] = string.Concat(NerCorpusGenerator.Labels.Select(l => l + "\n"));
        files["paraphrase/labels.txt"] = "0\n1\n";
        files["sentiment/labels.txt"] = "0\n1\n";
        files["vocab.txt"] = string.Concat(vocabulary.Build(VocabularySize).Select(t => t + "\n"));
        return files;
    }

    /// <summary>Writes <see cref="Render"/>'s files under <paramref name="outputDirectory"/> (each atomically).</summary>
    public static IReadOnlyList<string> Write(string outputDirectory, ulong seed = DefaultSeed)
    {
        var written = new List<string>();
        foreach (var (relative, text) in Render(seed))
        {
            var path = Path.Combine(outputDirectory, relative.Replace('/', Path.DirectorySeparatorChar));
            AtomicFile.WriteAllText(path, text);
            written.Add(path);
        }
        return written;
    }
}
