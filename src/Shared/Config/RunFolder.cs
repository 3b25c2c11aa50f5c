namespace Orchestrator.Shared.Config;

/// <summary>The outcome of opening a run folder: a fresh run or a resume of the same configuration.</summary>
public sealed record RunFolderState(
    string Directory,
    string RunId,
    bool IsResume,
    RunManifest Manifest,
    IReadOnlyList<OptionDifference> ChangedNonTrajectoryOptions);

/// <summary>The run folder belongs to a different configuration; resuming would silently train something else.</summary>
public sealed class RunConfigurationMismatchException(string runDirectory, IReadOnlyList<OptionDifference> differences)
    : Exception(differences.Count == 0
        ? $"{runDirectory} was created by a different configuration (configuration hash differs)"
        : $"{runDirectory} was created by a different configuration: {string.Join("; ", differences)}")
{
    public string RunDirectory { get; } = runDirectory;
    public IReadOnlyList<OptionDifference> Differences { get; } = differences;
}

/// <summary>
/// Creates or re-opens runs/&lt;name&gt;: a new folder gets run.json (atomically); an existing one is accepted
/// only if its configuration hash matches, otherwise the differing trajectory keys are reported.
/// </summary>
public static class RunFolder
{
    public static RunFolderState Open(TrainOptions options, string? runId = null, TimeProvider? clock = null)
    {
        var directory = options.ResolvedOutputDir();
        if (ReadExisting(options) is (var existing, var differences))
            return new RunFolderState(directory, existing.RunId, IsResume: true, existing, differences.Where(d => !d.Trajectory).ToArray());

        Directory.CreateDirectory(directory);
        var manifest = RunManifest.Create(options, runId ?? NewRunId(), (clock ?? TimeProvider.System).GetUtcNow());
        manifest.Write(directory);
        return new RunFolderState(directory, manifest.RunId, IsResume: false, manifest, []);
    }

    /// <summary>
    /// Reads only: throws <see cref="RunConfigurationMismatchException"/> when the folder's run.json records
    /// another configuration. Call it before touching anything in an existing folder.
    /// </summary>
    public static void CheckConfiguration(TrainOptions options) => ReadExisting(options);

    private static (RunManifest Manifest, IReadOnlyList<OptionDifference> Differences)? ReadExisting(TrainOptions options)
    {
        var directory = options.ResolvedOutputDir();
        var manifestPath = Path.Combine(directory, RunManifest.FileName);
        if (!File.Exists(manifestPath)) return null;
        var existing = RunManifest.Read(manifestPath);
        var differences = existing.Differences(options);
        if (existing.ConfigurationHash != ConfigurationHash.Compute(options))
            throw new RunConfigurationMismatchException(directory, differences.Where(d => d.Trajectory).ToArray());
        return (existing, differences);
    }

    /// <summary>Sortable and unique enough for humans: 20261122-081500-3f9a1c.</summary>
    public static string NewRunId() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
}
