using Orchestrator.Shared.IO;
using Serilog;

namespace Orchestrator.Shared.Checkpoints;

/// <summary>
/// Reads the checkpoints folder: verifies checkpoints against their manifest, finds the one to resume
/// from, removes leftovers of interrupted writes and applies retention. Damaged checkpoints are reported
/// (and logged as warnings) and never returned as loadable.
/// </summary>
public sealed partial class CheckpointStore
{
    private readonly ILogger _log;

    // Manifests whose files this store has hashed and found intact. Retention verifies every checkpoint at every
    // save; without this each save re-read all of them (gigabytes for a large model) on the coordinator's loop.
    // A folder saved again under the same name has a new manifest, so it is hashed again.
    private readonly Dictionary<string, CheckpointManifest> _hashed = new(StringComparer.Ordinal);

    public CheckpointStore(string checkpointsDirectory, ILogger? logger = null)
    {
        Directory = Path.GetFullPath(checkpointsDirectory);
        _log = (logger ?? Log.Logger).ForContext<CheckpointStore>();
    }

    public string Directory { get; }

    /// <summary>Deletes <c>.tmp-*</c> folders and files left by interrupted writes; call at startup, before writing.</summary>
    public IReadOnlyList<string> RemoveTemporaryFolders()
    {
        var removed = new List<string>();
        if (!System.IO.Directory.Exists(Directory)) return removed;
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(Directory, CheckpointName.TemporaryPrefix + "*"))
        {
            if (TryRestoreReplaced(entry)) continue;
            if (System.IO.Directory.Exists(entry)) CheckpointWriter.TryDeleteDirectory(entry);
            else File.Delete(entry);
            removed.Add(Path.GetFileName(entry));
            _log.Information("Removed leftover {Temporary} of an interrupted checkpoint write", Path.GetFileName(entry));
        }
        if (removed.Count > 0) DurableIO.SyncDirectory(Directory);
        return removed;
    }

    // A kill between moving an old checkpoint aside and renaming its replacement in leaves only
    // .tmp-replaced-<name>-<guid>: that folder was complete, so it goes back under its name.
    private bool TryRestoreReplaced(string entry)
    {
        var match = ReplacedFolder().Match(Path.GetFileName(entry));
        if (!match.Success || !System.IO.Directory.Exists(entry)) return false;
        var original = Path.Combine(Directory, match.Groups[1].Value);
        if (System.IO.Directory.Exists(original)) return false;
        System.IO.Directory.Move(entry, original);
        _log.Warning("Restored checkpoint {Checkpoint} that an interrupted rewrite had moved aside", match.Groups[1].Value);
        return true;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^\\.tmp-replaced-(.+)-[0-9a-f]{32}$")]
    private static partial System.Text.RegularExpressions.Regex ReplacedFolder();

    /// <summary>The folder name <c>latest</c> names, or null when it is missing or unreadable.</summary>
    public string? ReadLatestPointer()
    {
        var path = Path.Combine(Directory, CheckpointName.LatestFileName);
        try
        {
            var name = File.ReadAllText(path).Trim();
            return CheckpointName.IsValid(name) ? name : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Verifies one checkpoint folder: manifest, state, and every file's size and SHA-256 (hashed once per manifest by this store).</summary>
    public (CheckpointInfo? Checkpoint, DamagedCheckpoint? Damage) Verify(string name)
    {
        var (info, damage) = ReadHeader(name);
        return info is null ? (null, damage) : VerifyFiles(info);
    }

    /// <summary>
    /// Checks the files of a checkpoint whose manifest and state have been read: sizes, nothing unlisted, and the
    /// SHA-256 of every file the first time this store sees that manifest.
    /// </summary>
    private (CheckpointInfo? Checkpoint, DamagedCheckpoint? Damage) VerifyFiles(CheckpointInfo info)
    {
        var name = info.Name;
        var folder = Path.Combine(Directory, name);
        var hashedBefore = _hashed.Remove(name, out var known) && known.CreatedUtc == info.Manifest.CreatedUtc
            && known.Files.SequenceEqual(info.Manifest.Files);
        var listed = new HashSet<string>(StringComparer.Ordinal) { CheckpointManifest.FileName };
        foreach (var entry in info.Manifest.Files)
        {
            listed.Add(entry.Path);
            var file = Path.Combine(folder, entry.Path);
            if (!File.Exists(file)) return Damaged(name, $"file '{entry.Path}' listed in the manifest is missing");
            var actual = hashedBefore
                ? entry with { Size = new FileInfo(file).Length }
                : CheckpointManifest.Describe(folder, file, syncToDisk: false);
            if (actual.Size != entry.Size)
                return Damaged(name, $"file '{entry.Path}' has {actual.Size} bytes, the manifest says {entry.Size}");
            if (!string.Equals(actual.Sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
                return Damaged(name, $"file '{entry.Path}' has SHA-256 {actual.Sha256}, the manifest says {entry.Sha256}");
        }
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (!listed.Contains(relative)) return Damaged(name, $"file '{relative}' is not listed in the manifest");
        }
        _hashed[name] = info.Manifest;
        return (info, null);
    }

    /// <summary>Verifies every checkpoint folder; valid ones are returned oldest first.</summary>
    public CheckpointScan Scan()
    {
        var valid = new List<CheckpointInfo>();
        var damaged = new List<DamagedCheckpoint>();
        foreach (var name in CandidateNames())
        {
            var (info, damage) = Verify(name);
            if (info is not null) valid.Add(info);
            else damaged.Add(Warn(damage!));
        }
        valid.Sort(CheckpointInfo.Chronological);
        return new CheckpointScan(valid, damaged);
    }

    /// <summary>
    /// The checkpoint to resume from: the one <c>latest</c> names if it verifies; otherwise the newest one
    /// that verifies (checked newest first, so only as many are hashed as needed).
    /// </summary>
    public LatestCheckpoint FindLatest()
    {
        var skipped = new List<DamagedCheckpoint>();
        var pointer = ReadLatestPointer();
        if (pointer is not null && System.IO.Directory.Exists(Path.Combine(Directory, pointer)))
        {
            var (info, damage) = Verify(pointer);
            if (info is not null) return new LatestCheckpoint(info, skipped);
            skipped.Add(Warn(damage!));
        }
        else if (File.Exists(Path.Combine(Directory, CheckpointName.LatestFileName)))
        {
            _log.Warning("The latest pointer in {Directory} names no checkpoint folder; scanning instead", Directory);
        }

        var headers = new List<CheckpointInfo>();
        foreach (var name in CandidateNames().Where(n => n != pointer))
        {
            var (info, damage) = ReadHeader(name);
            if (info is not null) headers.Add(info);
            else skipped.Add(Warn(damage!));
        }
        headers.Sort(CheckpointInfo.Chronological);
        for (int i = headers.Count - 1; i >= 0; i--)
        {
            var (info, damage) = VerifyFiles(headers[i]);
            if (info is not null) return new LatestCheckpoint(info, skipped);
            skipped.Add(Warn(damage!));
        }
        return new LatestCheckpoint(null, skipped);
    }

    /// <summary>
    /// Deletes valid checkpoints that are neither among the newest <see cref="RetentionPolicy.KeepLast"/>, nor
    /// the best by the policy's metric, nor the one <c>latest</c> names. Damaged folders are left for inspection.
    /// </summary>
    public RetentionResult ApplyRetention(RetentionPolicy policy, IEnumerable<string>? protectedNames = null)
    {
        var scan = Scan();
        // Protected: e.g. the checkpoint a background push is copying right now.
        var keep = new HashSet<string>(protectedNames ?? [], StringComparer.Ordinal);
        foreach (var c in scan.Valid.Skip(Math.Max(0, scan.Valid.Count - policy.KeepLast))) keep.Add(c.Name);
        var best = Best(scan.Valid, policy);
        if (best is not null) keep.Add(best.Name);
        var pointer = ReadLatestPointer();
        if (pointer is not null) keep.Add(pointer);

        var deleted = new List<string>();
        foreach (var c in scan.Valid.Where(c => !keep.Contains(c.Name)))
        {
            // Rename first so an interrupted delete leaves a .tmp folder, not a damaged checkpoint.
            var doomed = Path.Combine(Directory, $"{CheckpointName.TemporaryPrefix}deleting-{c.Name}-{Guid.NewGuid():N}");
            System.IO.Directory.Move(c.FullPath, doomed);
            CheckpointWriter.TryDeleteDirectory(doomed);
            deleted.Add(c.Name);
            _log.Information("Retention deleted checkpoint {Checkpoint}", c.Name);
        }
        if (deleted.Count > 0) DurableIO.SyncDirectory(Directory);
        var kept = scan.Valid.Where(c => keep.Contains(c.Name)).Select(c => c.Name).ToList();
        return new RetentionResult(kept, deleted, scan.Damaged);
    }

    /// <summary>The valid checkpoint with the best value of the policy's metric at its own step, if any.</summary>
    public static CheckpointInfo? Best(IEnumerable<CheckpointInfo> checkpoints, RetentionPolicy policy)
    {
        if (policy.BestMetric is null) return null;
        CheckpointInfo? best = null;
        double bestValue = 0;
        foreach (var c in checkpoints)
        {
            if (c.State.MetricAtCurrentStep(policy.BestMetric) is not double v || double.IsNaN(v)) continue;
            // Ties go to the older checkpoint, like the Trainer (it only replaces on strict improvement).
            if (best is null || (policy.GreaterIsBetter ? v > bestValue : v < bestValue))
            {
                best = c;
                bestValue = v;
            }
        }
        return best;
    }

    private IEnumerable<string> CandidateNames()
    {
        if (!System.IO.Directory.Exists(Directory)) return Array.Empty<string>();
        return System.IO.Directory.EnumerateDirectories(Directory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(CheckpointName.IsValid)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    // Manifest and state only (cheap): enough to order checkpoints before hashing them.
    private (CheckpointInfo?, DamagedCheckpoint?) ReadHeader(string name)
    {
        var folder = Path.Combine(Directory, name);
        var manifestPath = Path.Combine(folder, CheckpointManifest.FileName);
        if (!File.Exists(manifestPath)) return Damaged(name, "manifest.json is missing (partial write?)");
        CheckpointManifest manifest;
        TrainerState state;
        try
        {
            manifest = CheckpointManifest.Load(manifestPath);
            if (!manifest.Files.Any(f => f.Path == TrainerState.FileName))
                return Damaged(name, "the manifest does not list trainer_state.json");
            state = TrainerState.Load(Path.Combine(folder, TrainerState.FileName));
        }
        catch (InvalidDataException ex)
        {
            return Damaged(name, ex.Message);
        }
        return (new CheckpointInfo(name, folder, state, manifest), null);
    }

    private (CheckpointInfo?, DamagedCheckpoint?) Damaged(string name, string reason) =>
        (null, new DamagedCheckpoint(name, Path.Combine(Directory, name), reason));

    private DamagedCheckpoint Warn(DamagedCheckpoint damage)
    {
        _log.Warning("Skipping damaged checkpoint {Checkpoint}: {Reason}", damage.Name, damage.Reason);
        return damage;
    }
}
