using Orchestrator.Torch;

namespace Orchestrator.Worker.Generation;

/// <summary>
/// Hugging Face's <c>generate</c> for encoder-decoder models, greedy (num_beams 1) and beam search: the encoder
/// runs once, decoding starts from decoder_start_token_id, each step feeds only the newest token through the
/// decoder's key/value cache, and finished sequences are padded with the pad id.
/// Runs under no_grad; switch the model to eval() first for deterministic output.
/// </summary>
public static class Seq2SeqGenerator
{
    /// <summary>The decoder prompt is the start token alone.</summary>
    private const int PromptLength = 1;

    /// <param name="input_ids">[batch, source] int64.</param>
    /// <param name="attention_mask">[batch, source], 1 for tokens, 0 for padding.</param>
    public static GenerationResult Generate(IEncoderDecoderModel model, torch.Tensor input_ids, torch.Tensor attention_mask, GenerationOptions options)
    {
        options.Validate();
        if (input_ids.Dimensions != 2 || !input_ids.shape.SequenceEqual(attention_mask.shape))
            throw new ArgumentException($"input_ids and attention_mask must both be [batch, source], got [{string.Join(", ", input_ids.shape)}] and [{string.Join(", ", attention_mask.shape)}]");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var encoderHidden = model.Encode(input_ids, attention_mask);
        return options.NumBeams == 1
            ? Greedy(model, encoderHidden, attention_mask, options)
            : Beam(model, encoderHidden, attention_mask, options);
    }

    private static GenerationResult Greedy(IEncoderDecoderModel model, torch.Tensor encoderHidden, torch.Tensor encoderMask, GenerationOptions options)
    {
        var batch = (int)encoderHidden.size(0);
        var maxLength = options.EffectiveMaxLength;
        var sequences = Enumerable.Range(0, batch).Select(_ => new List<long> { model.DecoderStartTokenId }).ToArray();
        var unfinished = Enumerable.Repeat(true, batch).ToArray();
        using var cache = model.NewCache();
        while (true)
        {
            using var step = torch.NewDisposeScope();
            using var last = torch.tensor(sequences.Select(s => s[^1]).ToArray(), [batch, 1]);
            var logits = model.DecodeNext(last, encoderHidden, encoderMask, cache);
            var vocab = (int)logits.size(1);
            var values = logits.to(ScalarType.Float32).contiguous().data<float>();
            for (var i = 0; i < batch; i++)
            {
                var row = values.AsSpan(i * vocab, vocab);
                foreach (var banned in NoRepeatNGram.BannedTokens(sequences[i], options.NoRepeatNgramSize))
                    row[(int)banned] = float.NegativeInfinity;
                var next = unfinished[i] ? ArgMax(row) : model.PadTokenId;
                sequences[i].Add(next);
                // MaxLengthCriteria and EosTokenCriteria: a row is finished once it is full or ends with eos.
                if (sequences[i].Count >= maxLength || next == model.EosTokenId) unfinished[i] = false;
            }
            if (!unfinished.Any(u => u)) break;
        }
        return new GenerationResult(sequences.Select(s => s.ToArray()).ToList(), null);
    }

    // torch.argmax: the first index of the maximum.
    private static long ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var j = 1; j < row.Length; j++)
            if (row[j] > row[best] || (float.IsNaN(row[j]) && !float.IsNaN(row[best]))) best = j;
        return best;
    }

    private static GenerationResult Beam(IEncoderDecoderModel model, torch.Tensor encoderHidden, torch.Tensor encoderMask, GenerationOptions options)
    {
        var batch = (int)encoderHidden.size(0);
        var beams = options.NumBeams;
        var rows = batch * beams;
        var maxLength = options.EffectiveMaxLength;
        // _expand_inputs_for_generation: each input's encoder output and mask repeated num_beams times (repeat_interleave).
        using var expandIndex = torch.tensor(Enumerable.Range(0, rows).Select(r => (long)(r / beams)).ToArray());
        using var hidden = encoderHidden.index_select(0, expandIndex);
        using var mask = encoderMask.index_select(0, expandIndex);

        var scorer = new BeamSearchScorer(batch, beams, options.LengthPenalty, options.EarlyStopping, maxLength);
        var sequences = Enumerable.Range(0, rows).Select(_ => new[] { model.DecoderStartTokenId }).ToList();
        // Only the first beam of each input is live at the start, so the first step does not pick the same token num_beams times.
        var beamScores = Enumerable.Range(0, rows).Select(r => r % beams == 0 ? 0f : -1e9f).ToArray();
        var candidates = 2 * beams; // max(2, 1 + number of eos tokens) * num_beams
        using var cache = model.NewCache();
        while (true)
        {
            using var step = torch.NewDisposeScope();
            var last = torch.tensor(sequences.Select(s => s[^1]).ToArray(), [rows, 1]);
            var logits = model.DecodeNext(last, hidden, mask, cache);
            var vocab = logits.size(1);
            var scores = logits.to(ScalarType.Float32).log_softmax(-1).contiguous();
            BanRepeatedNGrams(scores, sequences, options.NoRepeatNgramSize, vocab);
            var total = scores.add(torch.tensor(beamScores, [rows, 1]));
            var (topScores, topIndices) = total.view(batch, beams * vocab).topk(candidates, 1, largest: true, sorted: true);
            var flatScores = topScores.data<float>();
            var flatIndices = topIndices.data<long>();
            var candidateScores = new float[batch, candidates];
            var candidateTokens = new long[batch, candidates];
            var candidateBeams = new long[batch, candidates];
            for (var b = 0; b < batch; b++)
                for (var c = 0; c < candidates; c++)
                {
                    candidateScores[b, c] = flatScores[b * candidates + c];
                    candidateBeams[b, c] = flatIndices[b * candidates + c] / vocab;
                    candidateTokens[b, c] = flatIndices[b * candidates + c] % vocab;
                }
            var (nextScores, nextTokens, sourceRows) = scorer.Process(sequences, candidateScores, candidateTokens, candidateBeams,
                model.PadTokenId, model.EosTokenId, PromptLength);
            var previous = sequences;
            sequences = Enumerable.Range(0, rows).Select(r => previous[(int)sourceRows[r]].Append(nextTokens[r]).ToArray()).ToList();
            beamScores = nextScores;
            cache.Reorder(torch.tensor(sourceRows));
            if (scorer.IsDone || sequences[0].Length >= maxLength) break;
        }
        return scorer.Finalize(sequences, beamScores, maxLength, model.PadTokenId, model.EosTokenId, PromptLength);
    }

    // NoRepeatNGramLogitsProcessor on the log-probabilities of every running beam.
    private static void BanRepeatedNGrams(torch.Tensor scores, IReadOnlyList<long[]> sequences, int ngramSize, long vocab)
    {
        if (ngramSize <= 0) return;
        var positions = new List<long>();
        for (var r = 0; r < sequences.Count; r++)
            foreach (var token in NoRepeatNGram.BannedTokens(sequences[r], ngramSize))
                positions.Add(r * vocab + token);
        if (positions.Count == 0) return;
        using var flat = scores.view(-1);
        using var index = torch.tensor(positions.ToArray());
        using var minusInfinity = torch.full([positions.Count], float.NegativeInfinity, ScalarType.Float32);
        flat.index_put_(index, minusInfinity);
    }
}
