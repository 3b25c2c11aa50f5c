using Orchestrator.Shared.Pipelines;
using Orchestrator.Shared.Text;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Inference;

/// <summary>The entities of one text, and into how many overlapping chunks it was cut to fit the model.</summary>
public sealed record TokenClassificationResult(IReadOnlyList<Entity> Entities, int Chunks);

/// <summary>
/// Hugging Face's TokenClassificationPipeline over our tokenizer and model: each text is tokenized whole; a text
/// longer than the model takes is cut into windows that overlap by <see cref="Stride"/> tokens (the pipeline's
/// `stride`, with return_overflowing_tokens), so no token goes unpredicted; every window is classified (windows of
/// many texts batched together), its tokens' softmax scores aggregated into entities, and the entities of
/// overlapping windows merged.
/// </summary>
public sealed class TokenClassificationPipeline
{
    private readonly BertTokenizer _tokenizer;
    private readonly BatchRunner _runner;
    private readonly TokenClassificationAggregator _aggregator;
    private readonly int _leadingSpecials;
    private readonly int _trailingSpecials;

    /// <param name="maxLength">Tokens per window, special tokens included (the model's limit).</param>
    /// <param name="stride">Tokens shared by neighbouring windows; null: <see cref="TokenWindows.DefaultStride"/>.</param>
    public TokenClassificationPipeline(BertTokenizer tokenizer, ITaskModel model, int maxLength, int? stride = null)
    {
        if (model.Task != ModelTask.TokenClassification) throw new ArgumentException("a token classification model is needed", nameof(model));
        _tokenizer = tokenizer;
        _runner = new BatchRunner(model, tokenizer.PadTokenId);
        _aggregator = new TokenClassificationAggregator(model.Config.Labels, tokenizer.ConvertTokensToString);
        var template = tokenizer.Template.Single;
        _leadingSpecials = template.TakeWhile(p => !p.IsSequence).Count();
        _trailingSpecials = template.Count - _leadingSpecials - 1;
        Capacity = maxLength - tokenizer.NumSpecialTokensToAdd(pair: false);
        if (Capacity < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "the model's length leaves no room for text between the special tokens");
        Stride = stride ?? TokenWindows.DefaultStride(Capacity);
        if (Stride < 0 || Stride >= Capacity)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"the stride must be at least 0 and smaller than the {Capacity} text tokens of a window");
    }

    /// <summary>Text tokens per window (the model's length without the special tokens).</summary>
    public int Capacity { get; }

    public int Stride { get; }

    public IReadOnlyList<TokenClassificationResult> Predict(IReadOnlyList<string> texts, AggregationStrategy strategy, int batchSize)
    {
        var chunks = new List<Chunk>();
        var inputs = new List<ModelInput>();
        var chunkCounts = new int[texts.Count];
        for (int t = 0; t < texts.Count; t++)
        {
            var encoding = _tokenizer.Encode(texts[t]);
            int contentLength = encoding.Length - _leadingSpecials - _trailingSpecials;
            var windows = TokenWindows.Split(contentLength, Capacity, Stride);
            chunkCounts[t] = windows.Count;
            foreach (var (start, end) in windows)
            {
                var (input, tokens) = Window(encoding, start, end);
                chunks.Add(new Chunk(t, start, tokens));
                inputs.Add(input);
            }
        }

        var logits = _runner.Logits(inputs, batchSize);
        var entities = texts.Select(_ => new List<Entity>()).ToArray();
        var codePoints = texts.Select(text => new CodePoints(text)).ToArray();
        int labels = _runner.NumLabels;
        for (int c = 0; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            var scores = new float[chunk.Tokens.Count][];
            for (int i = 0; i < scores.Length; i++) scores[i] = NumpyFloat32.Softmax(logits[c].AsSpan(i * labels, labels));
            var preEntities = TokenClassificationAggregator.Gather(codePoints[chunk.Text], chunk.Tokens, scores, indexBase: chunk.Start);
            entities[chunk.Text].AddRange(_aggregator.Entities(preEntities, strategy));
        }
        return entities.Select((found, t) => new TokenClassificationResult(
            chunkCounts[t] > 1 ? TokenClassificationAggregator.MergeOverlapping(found) : found, chunkCounts[t])).ToList();
    }

    /// <summary>The special tokens of the template around text tokens [start, end) of the encoding.</summary>
    private (ModelInput, List<ChunkToken>) Window(Encoding encoding, int start, int end)
    {
        var positions = Enumerable.Range(0, _leadingSpecials)
            .Concat(Enumerable.Range(_leadingSpecials + start, end - start))
            .Concat(Enumerable.Range(encoding.Length - _trailingSpecials, _trailingSpecials))
            .ToArray();
        var ids = positions.Select(p => encoding.InputIds[p]).ToArray();
        var types = positions.Select(p => encoding.TokenTypeIds[p]).ToArray();
        // Special means added by the template ([CLS], [SEP]: no word), as the fast tokenizer's special_tokens_mask:
        // an [UNK] the model produced for a word is a token of the text like any other.
        var tokens = positions.Select(p => new ChunkToken(
            encoding.Tokens[p],
            encoding.WordIds[p] is null,
            encoding.InputIds[p] == _tokenizer.UnkTokenId,
            encoding.Offsets[p].Start,
            encoding.Offsets[p].End)).ToList();
        return (new ModelInput(ids, types), tokens);
    }

    private sealed record Chunk(int Text, int Start, List<ChunkToken> Tokens);
}
