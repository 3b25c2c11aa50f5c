namespace Orchestrator.Worker.Training;

/// <summary>
/// Predictions and labels of every rank's evaluation shard after pad-across-processes and gather, in
/// rank order: row j of rank r is the j-th example of that rank's shard. Token rows are padded with -100
/// to a common length; sequence rows have length 1.
/// </summary>
public sealed record GatheredPredictions(int WorldSize, int RowsPerRank, int RowLength, long[] Predictions, long[] Labels, long[] ExampleIndices)
{
    public ReadOnlySpan<long> PredictionRow(int rank, int row) => Predictions.AsSpan(((rank * RowsPerRank) + row) * RowLength, RowLength);
    public ReadOnlySpan<long> LabelRow(int rank, int row) => Labels.AsSpan(((rank * RowsPerRank) + row) * RowLength, RowLength);
    public long ExampleIndex(int rank, int row) => ExampleIndices[(rank * RowsPerRank) + row];
}
