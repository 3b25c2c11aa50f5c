namespace Orchestrator.Shared.Checkpoints;

/// <summary>A complete, verified checkpoint.</summary>
public sealed record CheckpointInfo(string Name, string FullPath, TrainerState State, CheckpointManifest Manifest)
{
    /// <summary>Newest-last ordering: by global step, then epoch, then name.</summary>
    internal static readonly IComparer<CheckpointInfo> Chronological = Comparer<CheckpointInfo>.Create((a, b) =>
    {
        int c = a.State.GlobalStep.CompareTo(b.State.GlobalStep);
        if (c != 0) return c;
        c = a.State.Epoch.CompareTo(b.State.Epoch);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    });
}

/// <summary>A checkpoint folder that must not be loaded, and why.</summary>
public sealed record DamagedCheckpoint(string Name, string FullPath, string Reason);

/// <summary>All checkpoint folders, split into verified ones (oldest first) and damaged ones.</summary>
public sealed record CheckpointScan(IReadOnlyList<CheckpointInfo> Valid, IReadOnlyList<DamagedCheckpoint> Damaged);

/// <summary>The checkpoint to resume from (null when there is none) and the damaged ones passed over.</summary>
public sealed record LatestCheckpoint(CheckpointInfo? Checkpoint, IReadOnlyList<DamagedCheckpoint> Skipped);

/// <summary>Keep the newest <see cref="KeepLast"/> plus the best by <see cref="BestMetric"/>, if given.</summary>
public sealed record RetentionPolicy(int KeepLast, string? BestMetric = null, bool GreaterIsBetter = true)
{
    public int KeepLast { get; init; } = KeepLast >= 1
        ? KeepLast
        : throw new ArgumentOutOfRangeException(nameof(KeepLast), KeepLast, "Keep at least the newest checkpoint.");
}

public sealed record RetentionResult(IReadOnlyList<string> Kept, IReadOnlyList<string> Deleted, IReadOnlyList<DamagedCheckpoint> Damaged);
