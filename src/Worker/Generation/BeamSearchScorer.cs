namespace Orchestrator.Worker.Generation;

/// <summary>
/// BeamHypotheses: the best finished sequences of one input (at most num_beams), scored as
/// sum_logprobs / generated_length ** length_penalty, with transformers' tie rules (the worst is removed first by
/// score, then by insertion order).
/// </summary>
public sealed class BeamHypotheses(int numBeams, double lengthPenalty, EarlyStopping earlyStopping, int maxLength)
{
    private readonly List<(double score, long[] tokens)> beams = [];

    public double WorstScore { get; private set; } = 1e9;
    public int Count => beams.Count;
    public IReadOnlyList<(double score, long[] tokens)> Beams => beams;

    public void Add(long[] tokens, double sumLogprobs, int generatedLength)
    {
        var score = sumLogprobs / Math.Pow(generatedLength, lengthPenalty);
        if (beams.Count >= numBeams && !(score > WorstScore)) return;
        beams.Add((score, tokens));
        if (beams.Count > numBeams)
        {
            // sorted([(s, idx) ...]): drop the lowest (first by index among equals); the next one is the new worst.
            var sorted = beams.Select((b, index) => (b.score, index)).OrderBy(x => x.score).ThenBy(x => x.index).ToList();
            beams.RemoveAt(sorted[0].index);
            WorstScore = sorted[1].score;
        }
        else WorstScore = Math.Min(score, WorstScore);
    }

    /// <param name="bestSumLogprobs">The best running candidate's log-probability sum.</param>
    /// <param name="currentLength">The running sequences' length once this step's token is appended.</param>
    /// <param name="promptLength">The decoder prompt's length (1: the start token).</param>
    public bool IsDone(double bestSumLogprobs, int currentLength, int promptLength)
    {
        if (beams.Count < numBeams) return false;
        switch (earlyStopping)
        {
            case EarlyStopping.True:
                return true;
            case EarlyStopping.False:
                return WorstScore >= bestSumLogprobs / Math.Pow(currentLength - promptLength, lengthPenalty);
            default:
                var length = lengthPenalty > 0.0 ? maxLength : currentLength;
                return WorstScore >= bestSumLogprobs / Math.Pow(length - promptLength, lengthPenalty);
        }
    }
}

/// <summary>
/// BeamSearchScorer (one beam group, one returned sequence per input): from the 2 * num_beams best candidates of
/// each input it keeps num_beams running beams, files candidates that end with eos as finished hypotheses (only
/// when ranked within the first num_beams), pads inputs that are done, and finally picks the best hypothesis.
/// </summary>
public sealed class BeamSearchScorer
{
    private readonly int batchSize;
    private readonly int numBeams;
    private readonly BeamHypotheses[] hypotheses;
    private readonly bool[] done;

    public BeamSearchScorer(int batchSize, int numBeams, double lengthPenalty, EarlyStopping earlyStopping, int maxLength)
    {
        if (numBeams <= 1) throw new ArgumentException($"beam search needs num_beams > 1, got {numBeams} (1 is greedy search)");
        this.batchSize = batchSize;
        this.numBeams = numBeams;
        hypotheses = Enumerable.Range(0, batchSize).Select(_ => new BeamHypotheses(numBeams, lengthPenalty, earlyStopping, maxLength)).ToArray();
        done = new bool[batchSize];
    }

    public bool IsDone => done.All(d => d);

    /// <summary>
    /// One step. <paramref name="candidateScores"/>, <paramref name="candidateTokens"/>, <paramref name="candidateBeams"/>
    /// are [batch, 2 * num_beams] in decreasing score order (candidateBeams within 0..num_beams-1);
    /// <paramref name="sequences"/> are the running beams before this step's token. Returns, per row, the next
    /// beam's score, token and source row (into <paramref name="sequences"/>).
    /// </summary>
    public (float[] scores, long[] tokens, long[] sourceRows) Process(IReadOnlyList<long[]> sequences, float[,] candidateScores,
        long[,] candidateTokens, long[,] candidateBeams, long padTokenId, long eosTokenId, int promptLength)
    {
        var currentLength = sequences[0].Length + 1;
        var scores = new float[batchSize * numBeams];
        var tokens = new long[batchSize * numBeams];
        var sourceRows = new long[batchSize * numBeams];
        for (var b = 0; b < batchSize; b++)
        {
            if (done[b])
            {
                for (var j = 0; j < numBeams; j++)
                {
                    scores[b * numBeams + j] = 0;
                    tokens[b * numBeams + j] = padTokenId;
                    sourceRows[b * numBeams + j] = 0;
                }
                continue;
            }
            var beam = 0;
            for (var rank = 0; rank < candidateTokens.GetLength(1); rank++)
            {
                var token = candidateTokens[b, rank];
                var score = candidateScores[b, rank];
                var row = b * numBeams + candidateBeams[b, rank];
                if (token == eosTokenId)
                {
                    if (rank >= numBeams) continue; // not among the num_beams best candidates
                    hypotheses[b].Add((long[])sequences[(int)row].Clone(), score, currentLength - promptLength);
                }
                else
                {
                    scores[b * numBeams + beam] = score;
                    tokens[b * numBeams + beam] = token;
                    sourceRows[b * numBeams + beam] = row;
                    beam++;
                }
                if (beam == numBeams) break;
            }
            if (beam < numBeams)
                throw new InvalidOperationException($"at most {numBeams} of the {candidateTokens.GetLength(1)} candidates can be the end-of-sequence token");
            var best = float.NegativeInfinity;
            for (var rank = 0; rank < candidateScores.GetLength(1); rank++) best = Math.Max(best, candidateScores[b, rank]);
            done[b] = done[b] || hypotheses[b].IsDone(best, currentLength, promptLength);
        }
        return (scores, tokens, sourceRows);
    }

    /// <summary>
    /// Adds the running beams of unfinished inputs as hypotheses and returns each input's best one, followed by eos
    /// when it fits within <paramref name="maxLength"/>, all padded to the same length.
    /// </summary>
    public GenerationResult Finalize(IReadOnlyList<long[]> sequences, float[] beamScores, int maxLength, long padTokenId, long eosTokenId, int promptLength)
    {
        for (var b = 0; b < batchSize; b++)
        {
            if (done[b]) continue;
            for (var j = 0; j < numBeams; j++)
            {
                var row = b * numBeams + j;
                hypotheses[b].Add(sequences[row], beamScores[row], sequences[row].Length - promptLength);
            }
        }
        // sorted(beams, key=score) is stable and pop() takes the last: among equal scores the latest added wins.
        var best = hypotheses.Select(h => h.Beams.Select((beam, index) => (beam, index)).OrderBy(x => x.beam.score).Last().beam).ToList();
        var longest = Math.Min(best.Max(b => b.tokens.Length) + 1, maxLength);
        var result = new List<long[]>(batchSize);
        foreach (var (_, tokens) in best)
        {
            var row = new long[longest];
            Array.Fill(row, padTokenId);
            tokens.CopyTo(row, 0);
            if (tokens.Length < longest) row[tokens.Length] = eosTokenId;
            result.Add(row);
        }
        // best_scores is a float32 tensor in transformers.
        return new GenerationResult(result, best.Select(b => (double)(float)b.score).ToList());
    }
}
