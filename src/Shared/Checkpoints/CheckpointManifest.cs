using System.Security.Cryptography;

namespace Orchestrator.Shared.Checkpoints;

/// <summary>Size and SHA-256 (lower-case hex) of one file, path relative to the checkpoint folder with '/'.</summary>
public sealed record ManifestEntry(string Path, long Size, string Sha256);

/// <summary>manifest.json: the list of every other file in a checkpoint, written last inside the folder.</summary>
public sealed record CheckpointManifest(int FormatVersion, string Name, DateTimeOffset CreatedUtc, List<ManifestEntry> Files)
{
    public const string FileName = "manifest.json";

    public static CheckpointManifest Load(string path)
    {
        var manifest = CheckpointJson.Read<CheckpointManifest>(path);
        if (manifest.Files is null)
            throw new InvalidDataException($"{path}: field 'files' is missing.");
        foreach (var entry in manifest.Files)
        {
            if (string.IsNullOrEmpty(entry.Path) || entry.Path.Contains("..") || System.IO.Path.IsPathRooted(entry.Path))
                throw new InvalidDataException($"{path}: field 'files[].path' has an unsafe value '{entry.Path}'.");
            if (entry.Sha256 is null || entry.Sha256.Length != 64)
                throw new InvalidDataException($"{path}: field 'files[].sha256' of '{entry.Path}' is not a SHA-256 hex digest.");
        }
        return manifest;
    }

    /// <summary>Hashes a file; when <paramref name="syncToDisk"/> also fsyncs it through the same handle.</summary>
    internal static ManifestEntry Describe(string root, string file, bool syncToDisk)
    {
        var access = syncToDisk ? FileAccess.ReadWrite : FileAccess.Read;
        using var stream = new FileStream(file, FileMode.Open, access, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var hash = SHA256.HashData(stream);
        if (syncToDisk) stream.Flush(flushToDisk: true);
        var relative = System.IO.Path.GetRelativePath(root, file).Replace('\\', '/');
        return new ManifestEntry(relative, stream.Length, Convert.ToHexStringLower(hash));
    }
}
