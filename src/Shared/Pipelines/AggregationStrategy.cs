namespace Orchestrator.Shared.Pipelines;

/// <summary>
/// How token predictions become entities: Hugging Face's TokenClassificationPipeline aggregation_strategy.
/// None: one entry per token. Simple: tokens grouped by B-/I- tags. First, Average, Max: sub-words merged into
/// words first (the word takes its first token's label, the label of its averaged scores, or the label of its
/// most confident token), then words grouped as Simple groups tokens.
/// </summary>
public enum AggregationStrategy
{
    None,
    Simple,
    First,
    Average,
    Max,
}

public static class AggregationStrategies
{
    /// <summary>The strategy named as in Hugging Face (none, simple, first, average, max), case-insensitive; null if unknown.</summary>
    public static AggregationStrategy? Parse(string name) => name.ToLowerInvariant() switch
    {
        "none" => AggregationStrategy.None,
        "simple" => AggregationStrategy.Simple,
        "first" => AggregationStrategy.First,
        "average" => AggregationStrategy.Average,
        "max" => AggregationStrategy.Max,
        _ => null,
    };

    public static string Name(this AggregationStrategy strategy) => strategy.ToString().ToLowerInvariant();

    /// <summary>First, Average and Max merge sub-words into words before grouping.</summary>
    public static bool MergesWords(this AggregationStrategy strategy) =>
        strategy is AggregationStrategy.First or AggregationStrategy.Average or AggregationStrategy.Max;
}
