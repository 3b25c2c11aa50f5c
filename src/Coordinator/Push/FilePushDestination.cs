using Orchestrator.Shared.IO;

namespace Orchestrator.Coordinator.Push;

/// <summary>
/// file:///path: copies the whole checkpoint folder (optimizer and trainer state included, so a run can resume
/// from the volume) to path/&lt;checkpoint-name&gt;. The copy goes to a hidden temporary folder first and is renamed
/// into place, so a reader never sees half a checkpoint; then path/latest (a text file holding the folder name,
/// which works on volumes without symlinks) is replaced atomically.
/// </summary>
public sealed class FilePushDestination(string rootDirectory) : IPushDestination
{
    public const string LatestFileName = "latest";

    public string RootDirectory { get; } = rootDirectory;

    public string Description => new Uri(Path.GetFullPath(RootDirectory)).AbsoluteUri;

    public Task PushAsync(PushRequest request, CancellationToken cancellationToken) =>
        Task.Run(() => Push(request, cancellationToken), cancellationToken);

    private void Push(PushRequest request, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(request.CheckpointDirectory))
            throw new DirectoryNotFoundException($"checkpoint folder {request.CheckpointDirectory} does not exist");
        Directory.CreateDirectory(RootDirectory);
        var name = request.CheckpointName;
        var unique = Guid.NewGuid().ToString("N")[..8];
        var staging = Path.Combine(RootDirectory, $".{name}.{unique}.partial");
        var target = Path.Combine(RootDirectory, name);
        try
        {
            CopyDirectory(request.CheckpointDirectory, staging, cancellationToken);
            if (request.Card is not null)
                ModelCardFiles.Write(staging, request.Card);

            if (Directory.Exists(target))
            {
                // A re-push of the same checkpoint: swap, so the name always holds a complete copy.
                var old = Path.Combine(RootDirectory, $".{name}.{unique}.old");
                Directory.Move(target, old);
                Directory.Move(staging, target);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(staging, target);
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }

        AtomicFile.WriteAllText(Path.Combine(RootDirectory, LatestFileName), name + "\n");
    }

    private static void CopyDirectory(string source, string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var copy = Path.Combine(destination, Path.GetFileName(file));
            File.Copy(file, copy);
            using var stream = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite);
            stream.Flush(flushToDisk: true); // durable before the rename makes it visible
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)), cancellationToken);
    }
}
