using Orchestrator.Shared.Pipelines;
using Orchestrator.Shared.Text;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Inference;

/// <summary>Where one side of an input was cut to fit the model: what was kept (in code points) and how much was lost.</summary>
public sealed record Truncation(string Side, int KeptCharacters, int TotalCharacters, int KeptTokens, int DroppedTokens);

/// <summary>The labels of one input (one or the top k), and what was cut from it, if anything.</summary>
public sealed record TextClassificationResult(IReadOnlyList<LabelScore> Labels, IReadOnlyList<Truncation> Truncated);

/// <summary>
/// Hugging Face's TextClassificationPipeline over our tokenizer and model: a text or a text pair is encoded,
/// classified (inputs batched with dynamic padding) and scored with the model's function (softmax, or sigmoid for
/// multi-label and one-label models). A sequence classifier sees the sequence once, so an input longer than the
/// model takes is truncated (longest first for a pair), and the result says what was cut.
/// </summary>
public sealed class TextClassificationPipeline
{
    private readonly BertTokenizer _tokenizer;
    private readonly BatchRunner _runner;
    private readonly IReadOnlyList<string> _labels;
    private readonly ClassificationFunction _function;
    private readonly int _maxLength;

    public TextClassificationPipeline(BertTokenizer tokenizer, ITaskModel model, int maxLength)
    {
        if (model.Task != ModelTask.SequenceClassification) throw new ArgumentException("a sequence classification model is needed", nameof(model));
        _tokenizer = tokenizer;
        _runner = new BatchRunner(model, tokenizer.PadTokenId);
        _labels = model.Config.Labels;
        _function = TextClassificationScores.DefaultFunction(model.Config.ProblemType, model.Config.NumLabels);
        _maxLength = maxLength;
    }

    /// <param name="topK">Null: the best label; k: the k best, sorted; 0: every label, sorted.</param>
    public IReadOnlyList<TextClassificationResult> Predict(IReadOnlyList<(string Text, string? Pair)> inputs, int? topK, int batchSize)
    {
        var encoded = inputs.Select(Encode).ToList();
        var logits = _runner.Logits(encoded.Select(e => new ModelInput(e.Encoding.InputIds, e.Encoding.TokenTypeIds)).ToList(), batchSize);
        return encoded.Select((e, i) => new TextClassificationResult(
            TextClassificationScores.Top(TextClassificationScores.Apply(_function, logits[i]), _labels, topK), e.Truncated)).ToList();
    }

    private (Encoding Encoding, IReadOnlyList<Truncation> Truncated) Encode((string Text, string? Pair) input)
    {
        var whole = _tokenizer.Encode(input.Text, input.Pair);
        if (whole.Length <= _maxLength) return (whole, []);
        var cut = _tokenizer.Encode(input.Text, input.Pair, _maxLength, TruncationStrategy.LongestFirst);
        var truncated = new List<Truncation>();
        foreach (var (side, text, typeId) in new[] { ("text", input.Text, 0), ("text_pair", input.Pair, 1) })
        {
            if (text is null) continue;
            int total = CountSide(whole, typeId), kept = CountSide(cut, typeId);
            if (kept == total) continue;
            var codePoints = new CodePoints(text);
            int keptEnd = 0;
            for (int i = 0; i < cut.Length; i++)
                if (cut.TokenTypeIds[i] == typeId && cut.WordIds[i] is not null) keptEnd = codePoints.At(cut.Offsets[i].End);
            truncated.Add(new Truncation(side, keptEnd, codePoints.Length, kept, total - kept));
        }
        return (cut, truncated);
    }

    /// <summary>Text tokens of one side (special tokens have no word).</summary>
    private static int CountSide(Encoding encoding, int typeId)
    {
        int count = 0;
        for (int i = 0; i < encoding.Length; i++)
            if (encoding.TokenTypeIds[i] == typeId && encoding.WordIds[i] is not null) count++;
        return count;
    }
}
