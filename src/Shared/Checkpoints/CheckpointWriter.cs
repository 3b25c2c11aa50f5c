using Orchestrator.Shared.IO;
using Serilog;

namespace Orchestrator.Shared.Checkpoints;

/// <summary>
/// Commits a checkpoint so that a kill at any moment leaves either no trace of it or a complete one:
/// <list type="number">
/// <item>files are written by the caller into <c>checkpoints/.tmp-&lt;name&gt;-&lt;guid&gt;/</c>;</item>
/// <item>trainer_state.json is added, every file is hashed and fsynced, manifest.json is written and fsynced,
/// then the folder itself is fsynced;</item>
/// <item>the folder is renamed to <c>checkpoints/&lt;name&gt;/</c> and <c>checkpoints/</c> is fsynced;</item>
/// <item>last, <c>checkpoints/latest</c> (a text file naming the folder) is replaced atomically.</item>
/// </list>
/// Leftover temporary folders are removed by <see cref="CheckpointStore.RemoveTemporaryFolders"/>.
/// </summary>
public sealed class CheckpointWriter
{
    private readonly ILogger _log;

    public CheckpointWriter(string checkpointsDirectory, ILogger? logger = null)
    {
        Directory = Path.GetFullPath(checkpointsDirectory);
        _log = (logger ?? Log.Logger).ForContext<CheckpointWriter>();
    }

    public string Directory { get; }

    /// <summary>Writes checkpoint <paramref name="name"/>; <paramref name="writeFiles"/> gets the temporary folder.</summary>
    public CheckpointInfo Write(string name, TrainerState state, Action<string> writeFiles) =>
        WriteAsync(name, state, (folder, _) => { writeFiles(folder); return Task.CompletedTask; }).GetAwaiter().GetResult();

    public async Task<CheckpointInfo> WriteAsync(
        string name, TrainerState state, Func<string, CancellationToken, Task> writeFiles, CancellationToken cancellationToken = default)
    {
        if (!CheckpointName.IsValid(name))
            throw new ArgumentException($"'{name}' is not a valid checkpoint name (e.g. {CheckpointName.ForEpoch(3)}).", nameof(name));
        System.IO.Directory.CreateDirectory(Directory);

        var temp = Path.Combine(Directory, $"{CheckpointName.TemporaryPrefix}{name}-{Guid.NewGuid():N}");
        var target = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(temp);
        CheckpointManifest manifest;
        try
        {
            await writeFiles(temp, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await File.WriteAllBytesAsync(Path.Combine(temp, TrainerState.FileName), state.ToJsonBytes(), cancellationToken)
                .ConfigureAwait(false);
            manifest = Seal(temp, name);
        }
        catch
        {
            TryDeleteDirectory(temp);
            throw;
        }

        // Re-saving a name (e.g. after a resume) replaces the old folder; move it aside first so a kill in
        // between leaves a .tmp folder, never a half-replaced checkpoint.
        string? replaced = null;
        if (System.IO.Directory.Exists(target))
        {
            replaced = Path.Combine(Directory, $"{CheckpointName.TemporaryPrefix}replaced-{name}-{Guid.NewGuid():N}");
            System.IO.Directory.Move(target, replaced);
        }
        System.IO.Directory.Move(temp, target);
        DurableIO.SyncDirectory(Directory);
        AtomicFile.WriteAllText(Path.Combine(Directory, CheckpointName.LatestFileName), name + "\n");
        if (replaced is not null) TryDeleteDirectory(replaced);

        _log.Information("Checkpoint {Checkpoint} committed with {FileCount} files at step {Step}",
            name, manifest.Files.Count, state.GlobalStep);
        return new CheckpointInfo(name, target, state, manifest);
    }

    private static CheckpointManifest Seal(string folder, string name)
    {
        var entries = new List<ManifestEntry>();
        var manifestPath = Path.Combine(folder, CheckpointManifest.FileName);
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file == manifestPath) continue;
            entries.Add(CheckpointManifest.Describe(folder, file, syncToDisk: true));
        }
        var manifest = new CheckpointManifest(1, name, DateTimeOffset.UtcNow, entries);
        using (var stream = new FileStream(manifestPath, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(CheckpointJson.ToBytes(manifest));
            stream.Flush(flushToDisk: true);
        }
        foreach (var sub in System.IO.Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories))
            DurableIO.SyncDirectory(sub);
        DurableIO.SyncDirectory(folder);
        return manifest;
    }

    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
