namespace Orchestrator.Worker.Generation;

/// <summary>
/// When beam search stops, as Hugging Face's <c>early_stopping</c>: <see cref="True"/> as soon as num_beams
/// hypotheses are finished; <see cref="False"/> (the default) when no running beam can beat the worst finished one,
/// estimated at the current length; <see cref="Never"/> only when that cannot happen at any length up to max_length.
/// </summary>
public enum EarlyStopping
{
    False,
    True,
    Never,
}

/// <summary>The options of Hugging Face's <c>generate</c> for greedy and beam search, under its names and defaults.</summary>
public sealed record GenerationOptions
{
    /// <summary>max_new_tokens: tokens to generate after the decoder start token; null means <see cref="MaxLength"/>.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>max_length: the whole decoder sequence, start token included (generate's default 20), when MaxNewTokens is null.</summary>
    public int MaxLength { get; init; } = 20;

    /// <summary>num_beams: 1 is greedy search.</summary>
    public int NumBeams { get; init; } = 1;

    /// <summary>length_penalty: a finished beam's score is its log-probability sum divided by length ** length_penalty.</summary>
    public double LengthPenalty { get; init; } = 1.0;

    public EarlyStopping EarlyStopping { get; init; } = EarlyStopping.False;

    /// <summary>no_repeat_ngram_size: when > 0, no n-gram of this size occurs twice in a sequence (start token included).</summary>
    public int NoRepeatNgramSize { get; init; }

    /// <summary>The maximum decoder length, start token included.</summary>
    public int EffectiveMaxLength => MaxNewTokens is { } n ? n + 1 : MaxLength;

    public void Validate()
    {
        if (NumBeams < 1) throw new ArgumentException($"num_beams must be at least 1, got {NumBeams}");
        if (MaxNewTokens is < 1) throw new ArgumentException($"max_new_tokens must be at least 1, got {MaxNewTokens}");
        if (MaxNewTokens is null && MaxLength < 2) throw new ArgumentException($"max_length must be at least 2 (the start token and one generated token), got {MaxLength}");
        if (NoRepeatNgramSize < 0) throw new ArgumentException($"no_repeat_ngram_size must be 0 (off) or positive, got {NoRepeatNgramSize}");
        if (double.IsNaN(LengthPenalty) || double.IsInfinity(LengthPenalty)) throw new ArgumentException($"length_penalty must be a finite number, got {LengthPenalty}");
    }

    /// <summary>Reads early_stopping as Hugging Face writes it: true, false or "never".</summary>
    public static EarlyStopping ParseEarlyStopping(string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" => EarlyStopping.True,
        "false" => EarlyStopping.False,
        "never" => EarlyStopping.Never,
        _ => throw new ArgumentException($"early_stopping must be true, false or never, not '{value}'"),
    };
}

/// <summary>
/// Generated decoder sequences, one per input, each starting with the decoder start token and padded with the pad id
/// to the same length (as generate returns them); <see cref="Scores"/> holds beam search's length-normalised scores.
/// </summary>
public sealed record GenerationResult(IReadOnlyList<long[]> Sequences, IReadOnlyList<double>? Scores);
