using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Data;

/// <summary>
/// Spreads word labels over sub-tokens (Hugging Face course, chapter 7.2): special tokens get
/// <see cref="IgnoreIndex"/>; a word's first sub-token gets the word's label; its following sub-tokens get
/// the same label with B-X turned into I-X, looked up by name so any label order works (when I-X is not in
/// the label set, B-X is kept). With <c>firstSubtokenOnly</c>, following sub-tokens get IgnoreIndex.
/// </summary>
public sealed class LabelAligner
{
    /// <summary>PyTorch's cross-entropy ignore_index.</summary>
    public const int IgnoreIndex = -100;

    private readonly int[] _continuation;

    public LabelAligner(LabelSet labels, bool firstSubtokenOnly = false)
    {
        Labels = labels;
        FirstSubtokenOnly = firstSubtokenOnly;
        _continuation = new int[labels.Count];
        for (int id = 0; id < labels.Count; id++)
        {
            _continuation[id] = id;
            if (Iob.Parse(labels[id]) is ('B', var type) && labels.TryGetId("I-" + type, out var inside))
                _continuation[id] = inside;
        }
    }

    public LabelSet Labels { get; }
    public bool FirstSubtokenOnly { get; }

    /// <summary>The label a non-first sub-token of a word labelled <paramref name="wordLabel"/> gets.</summary>
    public int ContinuationOf(int wordLabel) => FirstSubtokenOnly ? IgnoreIndex : _continuation[wordLabel];

    /// <summary>Token labels for <paramref name="wordIds"/> (null = special token).</summary>
    public int[] Align(IReadOnlyList<int?> wordIds, IReadOnlyList<int> wordLabels)
    {
        var result = new int[wordIds.Count];
        int? previous = null;
        for (int i = 0; i < wordIds.Count; i++)
        {
            var word = wordIds[i];
            if (word is not { } w)
                result[i] = IgnoreIndex;
            else
            {
                if (w < 0 || w >= wordLabels.Count)
                    throw new ArgumentException($"token {i} points at word {w}, but there are {wordLabels.Count} word labels");
                var label = wordLabels[w];
                if (label < 0 || label >= Labels.Count)
                    throw new ArgumentException($"word {w} has label id {label}, outside the {Labels.Count} labels");
                result[i] = w == previous ? ContinuationOf(label) : label;
            }
            previous = word;
        }
        return result;
    }

    /// <summary>Words of a <paramref name="wordCount"/>-word sentence that have no token left (lost to truncation).</summary>
    public static int LostWords(IReadOnlyList<int?> wordIds, int wordCount)
    {
        var seen = new bool[wordCount];
        int kept = 0;
        foreach (var id in wordIds)
            if (id is { } w && w >= 0 && w < wordCount && !seen[w])
            {
                seen[w] = true;
                kept++;
            }
        return wordCount - kept;
    }
}
