using System.Text;

namespace Orchestrator.Shared.Metrics;

/// <summary>
/// What Hugging Face's <c>evaluate.load("squad")</c> reports: <c>exact_match</c> and <c>f1</c> as percentages
/// (0..100), over <paramref name="Count"/> predictions.
/// </summary>
public sealed record SquadResult(double ExactMatch, double F1, int Count)
{
    public Dictionary<string, object> ToDictionary() => new()
    {
        ["exact_match"] = ExactMatch,
        ["f1"] = F1,
    };
}

/// <summary>
/// The official SQuAD v1.1 evaluation script (which <c>evaluate</c>'s "squad" metric runs): answers are
/// normalised (lower-case, ASCII punctuation removed, the articles a/an/the removed as whole words,
/// whitespace collapsed), exact match compares the normalised strings, F1 compares their whitespace tokens
/// as multisets, and with several ground truths the best score counts. Python's str semantics are kept
/// (see <see cref="PythonStr"/>), so scores equal the script's bit for bit.
/// </summary>
public static class SquadMetrics
{
    /// <summary>Python's <c>string.punctuation</c>: ASCII only; other punctuation (“ ” « » — …) is kept.</summary>
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private static readonly string[] Articles = { "a", "an", "the" };

    /// <summary>The script's <c>normalize_answer</c>: lower, remove punctuation, remove articles, fix whitespace (in that order).</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lowered = PythonStr.Lower(text);
        var withoutPunctuation = new StringBuilder(lowered.Length);
        foreach (char c in lowered)
            if (Punctuation.IndexOf(c) < 0)
                withoutPunctuation.Append(c);
        return string.Join(' ', Words(RemoveArticles(withoutPunctuation.ToString())));
    }

    /// <summary>1 when the normalised texts are equal, else 0.</summary>
    public static double ExactMatch(string prediction, string reference) =>
        Normalize(prediction) == Normalize(reference) ? 1.0 : 0.0;

    /// <summary>
    /// Token F1 of the normalised texts: the common tokens counted with multiplicity (Counter &amp; Counter),
    /// precision over the prediction's tokens, recall over the reference's. No common token gives 0, so in
    /// v1.1 two empty answers score 0 here although their exact match is 1 (v2.0's script gives them 1).
    /// </summary>
    public static double F1(string prediction, string reference)
    {
        var predicted = Tokens(prediction);
        var expected = Tokens(reference);
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in expected)
            remaining[token] = remaining.GetValueOrDefault(token) + 1;
        int same = 0;
        foreach (var token in predicted)
        {
            if (remaining.GetValueOrDefault(token) > 0)
            {
                remaining[token]--;
                same++;
            }
        }
        if (same == 0)
            return 0.0;
        // The script's arithmetic, step for step, so that the doubles are the same.
        double precision = 1.0 * same / predicted.Length;
        double recall = 1.0 * same / expected.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>One reference per prediction.</summary>
    public static SquadResult Compute(IReadOnlyList<string> predictions, IReadOnlyList<string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        return Compute(predictions, references.Select(r => (IReadOnlyList<string>)new[] { r }).ToList());
    }

    /// <summary>
    /// Several acceptable answers per prediction (SQuAD's <c>answers.text</c>): each prediction scores its best
    /// exact match and its best F1 over them; the totals are averaged and reported as percentages. An empty
    /// list gives 0 and 0 with Count 0 (the script itself would divide by zero).
    /// </summary>
    public static SquadResult Compute(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(references);
        if (predictions.Count != references.Count)
            throw new ArgumentException($"predictions has {predictions.Count} items but references has {references.Count}.", nameof(references));
        double exactMatch = 0, f1 = 0;
        for (int i = 0; i < predictions.Count; i++)
        {
            var answers = references[i];
            if (answers is null || answers.Count == 0)
                throw new ArgumentException($"references[{i}] has no answer; every prediction needs at least one.", nameof(references));
            exactMatch += answers.Max(a => ExactMatch(predictions[i], a));
            f1 += answers.Max(a => F1(predictions[i], a));
        }
        int total = predictions.Count;
        return total == 0
            ? new SquadResult(0.0, 0.0, 0)
            : new SquadResult(100.0 * exactMatch / total, 100.0 * f1 / total, total);
    }

    private static string[] Tokens(string text) => Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// <c>re.sub(r'\b(a|an|the)\b', ' ', text)</c>: a match is bounded by non-word characters on both sides and
    /// is made of word characters, so it is exactly a maximal run of word characters spelling an article.
    /// </summary>
    private static string RemoveArticles(string text)
    {
        var codePoints = PythonStr.CodePoints(text);
        var result = new StringBuilder(text.Length);
        var run = new StringBuilder();
        void Flush()
        {
            var word = run.ToString();
            result.Append(Array.IndexOf(Articles, word) >= 0 ? " " : word);
            run.Clear();
        }
        foreach (int c in codePoints)
        {
            if (PythonStr.IsWordChar(c))
            {
                PythonStr.Append(run, c);
                continue;
            }
            Flush();
            PythonStr.Append(result, c);
        }
        Flush();
        return result.ToString();
    }

    /// <summary><c>str.split()</c>: runs of Python whitespace separate words; none are empty.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (int c in PythonStr.CodePoints(text))
        {
            if (!PythonStr.IsSpace(c))
            {
                PythonStr.Append(word, c);
                continue;
            }
            if (word.Length > 0) yield return word.ToString();
            word.Clear();
        }
        if (word.Length > 0) yield return word.ToString();
    }
}
