namespace Orchestrator.Shared.Text;

public sealed partial class BertTokenizer
{
    /// <summary>Encodes texts on all cores; result i belongs to input i.</summary>
    public Encoding[] EncodeBatch(IReadOnlyList<string> texts, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst)
    {
        var result = new Encoding[texts.Count];
        Parallel.For(0, texts.Count, i => result[i] = Encode(texts[i], null, maxLength, truncation));
        return result;
    }

    /// <summary>Encodes text pairs on all cores; result i belongs to pair i.</summary>
    public Encoding[] EncodeBatch(IReadOnlyList<(string Text, string? Pair)> pairs, int? maxLength = null, TruncationStrategy truncation = TruncationStrategy.LongestFirst)
    {
        var result = new Encoding[pairs.Count];
        Parallel.For(0, pairs.Count, i => result[i] = Encode(pairs[i].Text, pairs[i].Pair, maxLength, truncation));
        return result;
    }

    /// <summary>Encodes pre-tokenized sentences on all cores; result i belongs to sentence i.</summary>
    public Encoding[] EncodeWordsBatch(IReadOnlyList<IReadOnlyList<string>> sentences, int? maxLength = null)
    {
        var result = new Encoding[sentences.Count];
        Parallel.For(0, sentences.Count, i => result[i] = EncodeWords(sentences[i], maxLength));
        return result;
    }
}
