using Orchestrator.Shared.IO;
using Orchestrator.Shared.Checkpoints;

namespace Orchestrator.Shared.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private readonly CheckpointTestFolder _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void RoundTrip_WriteThenFindLatest()
    {
        var written = _f.WriteCheckpoint(CheckpointName.ForEpoch(1), step: 100, f1: 0.5);

        var latest = _f.Store.FindLatest();

        Assert.NotNull(latest.Checkpoint);
        Assert.Empty(latest.Skipped);
        Assert.Equal("epoch-0001", latest.Checkpoint!.Name);
        Assert.Equal("epoch-0001", File.ReadAllText(Path.Combine(_f.Checkpoints, "latest")).Trim());
        Assert.Equal(written.State.ToJsonBytes(), latest.Checkpoint.State.ToJsonBytes());
        Assert.Equal(new byte[] { 1, 2, 3, 255 }, latest.Checkpoint.State.RngStates[0].State);
        Assert.Equal(0.5, latest.Checkpoint.State.MetricAtCurrentStep("overall_f1"));
        var files = latest.Checkpoint.Manifest.Files.Select(e => e.Path).ToArray();
        Assert.Equal(new[] { "config.json", "model.safetensors", "optimizer.safetensors", "tokenizer/vocab.txt", "trainer_state.json" }, files);
        Assert.Equal(4096, latest.Checkpoint.Manifest.Files.Single(e => e.Path == "model.safetensors").Size);
        Assert.Empty(Directory.GetDirectories(_f.Checkpoints, ".tmp-*"));
    }

    [Fact]
    public void TrainerStateJsonUsesSnakeCaseAndBase64()
    {
        var json = System.Text.Encoding.UTF8.GetString(CheckpointTestFolder.State(7).ToJsonBytes());
        Assert.Contains("\"global_step\": 7", json);
        Assert.Contains("\"log_history\"", json);
        Assert.Contains("\"best_model_checkpoint\"", json);
        Assert.Contains("\"state\": \"AQID/w==\"", json);
    }

    [Fact]
    public void CorruptedByteIsDetected()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        var model = _f.PathOf("epoch-0001", "model.safetensors");
        var bytes = File.ReadAllBytes(model);
        bytes[1000] ^= 0x01;
        File.WriteAllBytes(model, bytes);

        var (info, damage) = _f.Store.Verify("epoch-0001");

        Assert.Null(info);
        Assert.Contains("model.safetensors", damage!.Reason);
        Assert.Contains("SHA-256", damage.Reason);
        Assert.Null(_f.Store.FindLatest().Checkpoint);
    }

    [Fact]
    public void MissingFileIsDetected()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        File.Delete(_f.PathOf("epoch-0001", "optimizer.safetensors"));

        var scan = _f.Store.Scan();

        Assert.Empty(scan.Valid);
        Assert.Contains("optimizer.safetensors", Assert.Single(scan.Damaged).Reason);
        Assert.Contains("missing", scan.Damaged[0].Reason);
    }

    [Fact]
    public void TruncatedFileAndUnlistedFileAreDetected()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        _f.WriteCheckpoint("epoch-0002", 200);
        using (var s = new FileStream(_f.PathOf("epoch-0001", "model.safetensors"), FileMode.Open)) s.SetLength(100);
        File.WriteAllText(_f.PathOf("epoch-0002", "extra.bin"), "x");

        var scan = _f.Store.Scan();

        Assert.Empty(scan.Valid);
        Assert.Contains("100 bytes", scan.Damaged.Single(d => d.Name == "epoch-0001").Reason);
        Assert.Contains("not listed", scan.Damaged.Single(d => d.Name == "epoch-0002").Reason);
    }

    [Fact]
    public void TruncatedManifestIsDetected()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        var manifest = _f.PathOf("epoch-0001", "manifest.json");
        var text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text[..(text.Length / 2)]);

        var (info, damage) = _f.Store.Verify("epoch-0001");

        Assert.Null(info);
        Assert.Contains("manifest.json", damage!.Reason);
        Assert.Contains("invalid JSON", damage.Reason);
    }

    [Fact]
    public void LeftoverTemporaryFolderIsIgnoredAndCleaned()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        var leftover = Path.Combine(_f.Checkpoints, ".tmp-epoch-0002-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "model.safetensors"), "half");

        var store = _f.Store;
        Assert.Equal("epoch-0001", store.FindLatest().Checkpoint!.Name);
        Assert.Single(store.Scan().Valid);
        Assert.Empty(store.Scan().Damaged);

        var removed = store.RemoveTemporaryFolders();

        Assert.Equal(new[] { Path.GetFileName(leftover) }, removed);
        Assert.False(Directory.Exists(leftover));
        Assert.True(Directory.Exists(_f.PathOf("epoch-0001", "")));
    }

    [Fact]
    public void LatestPointingToDamagedFallsBackToPreviousValid()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        _f.WriteCheckpoint("epoch-0002", 200);
        _f.WriteCheckpoint("epoch-0003", 300);
        File.WriteAllText(_f.PathOf("epoch-0003", "config.json"), "{}");          // the one latest names
        File.Delete(_f.PathOf("epoch-0002", "manifest.json"));                      // the next newest

        var latest = _f.Store.FindLatest();

        Assert.Equal("epoch-0001", latest.Checkpoint!.Name);
        Assert.Equal(new[] { "epoch-0003", "epoch-0002" }, latest.Skipped.Select(s => s.Name).OrderDescending().ToArray());
    }

    [Fact]
    public void MissingLatestPointerFallsBackToNewestByStep()
    {
        _f.WriteCheckpoint("step-000900", 900);
        _f.WriteCheckpoint("epoch-0001", 100);
        File.Delete(Path.Combine(_f.Checkpoints, "latest"));

        Assert.Equal("step-000900", _f.Store.FindLatest().Checkpoint!.Name);
    }

    [Fact]
    public void RetentionKeepsNewestKAndBest()
    {
        _f.WriteCheckpoint("epoch-0001", 100, f1: 0.70);
        _f.WriteCheckpoint("epoch-0002", 200, f1: 0.90); // best
        _f.WriteCheckpoint("epoch-0003", 300, f1: 0.80);
        _f.WriteCheckpoint("epoch-0004", 400, f1: 0.85);
        _f.WriteCheckpoint("epoch-0005", 500, f1: 0.60);

        var result = _f.Store.ApplyRetention(new RetentionPolicy(KeepLast: 2, BestMetric: "overall_f1"));

        Assert.Equal(new[] { "epoch-0002", "epoch-0004", "epoch-0005" }, result.Kept);
        Assert.Equal(new[] { "epoch-0001", "epoch-0003" }, result.Deleted);
        Assert.Equal(new[] { "epoch-0002", "epoch-0004", "epoch-0005", "latest" },
            Directory.EnumerateFileSystemEntries(_f.Checkpoints).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public void RetentionWithLowerIsBetterKeepsLowest()
    {
        _f.WriteCheckpoint("epoch-0001", 100, f1: 0.1);
        _f.WriteCheckpoint("epoch-0002", 200, f1: 0.9);
        _f.WriteCheckpoint("epoch-0003", 300, f1: 0.5);

        var result = _f.Store.ApplyRetention(new RetentionPolicy(1, "eval_overall_f1", GreaterIsBetter: false));

        Assert.Equal(new[] { "epoch-0001", "epoch-0003" }, result.Kept);
    }

    [Fact]
    public void KillDuringWriteLeavesNothingVisibleAndLatestUnchanged()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        var latestBefore = File.ReadAllBytes(Path.Combine(_f.Checkpoints, "latest"));

        var ex = Assert.Throws<InvalidOperationException>(() =>
            _f.Writer.Write("epoch-0002", CheckpointTestFolder.State(200), folder =>
            {
                File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), new byte[1024]);
                throw new InvalidOperationException("killed mid-write");
            }));

        Assert.Equal("killed mid-write", ex.Message);
        Assert.False(Directory.Exists(_f.PathOf("epoch-0002", "")));
        Assert.Equal(latestBefore, File.ReadAllBytes(Path.Combine(_f.Checkpoints, "latest")));
        Assert.Equal(new[] { "epoch-0001", "latest" },
            Directory.EnumerateFileSystemEntries(_f.Checkpoints).Select(Path.GetFileName).Order().ToArray());
        Assert.Equal("epoch-0001", _f.Store.FindLatest().Checkpoint!.Name);
    }

    [Fact]
    public void RewritingANameReplacesTheOldFolder()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        _f.WriteCheckpoint("epoch-0001", 150);

        var latest = _f.Store.FindLatest().Checkpoint!;
        Assert.Equal(150, latest.State.GlobalStep);
        Assert.Empty(Directory.GetDirectories(_f.Checkpoints, ".tmp-*"));
    }

    [Fact]
    public void KillDuringRewriteRestoresTheMovedAsideCheckpoint()
    {
        _f.WriteCheckpoint("epoch-0001", 100);
        var aside = Path.Combine(_f.Checkpoints, ".tmp-replaced-epoch-0001-" + Guid.NewGuid().ToString("N"));
        Directory.Move(_f.PathOf("epoch-0001", ""), aside);                 // killed right after this step
        Directory.CreateDirectory(Path.Combine(_f.Checkpoints, ".tmp-epoch-0001-" + Guid.NewGuid().ToString("N")));

        var store = _f.Store;
        store.RemoveTemporaryFolders();

        Assert.Equal(100, store.FindLatest().Checkpoint!.State.GlobalStep);
        Assert.Empty(Directory.GetDirectories(_f.Checkpoints, ".tmp-*"));
    }

    [Fact]
    public void InvalidNamesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => _f.Writer.Write("latest", CheckpointTestFolder.State(1), _ => { }));
        Assert.Throws<ArgumentException>(() => _f.Writer.Write(".tmp-x", CheckpointTestFolder.State(1), _ => { }));
        Assert.Equal("step-000500", CheckpointName.ForStep(500));
        Assert.Equal("epoch-0003", CheckpointName.ForEpoch(3));
    }

    [Fact]
    public void AtomicFileReplacesContentAndLeavesNoTemporary()
    {
        var path = Path.Combine(_f.Root, "sub", "file.txt");
        AtomicFile.WriteAllText(path, "one");
        AtomicFile.WriteAllText(path, "two");
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Equal(new[] { "file.txt" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).ToArray());

        Assert.Throws<IOException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new IOException("disk full"); }));
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void DirectorySyncWorksAndFailsClearly()
    {
        DurableIO.SyncDirectory(_f.Checkpoints);
        var ex = Assert.Throws<IOException>(() => DurableIO.SyncDirectory(Path.Combine(_f.Root, "does-not-exist")));
        Assert.Contains("does-not-exist", ex.Message);
    }

    [Fact]
    public void TrainerStateLoadNamesFileAndField()
    {
        var path = Path.Combine(_f.Root, "trainer_state.json");
        File.WriteAllText(path, "{\"global_step\": \"ten\"}");
        var ex = Assert.Throws<InvalidDataException>(() => TrainerState.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("global_step", ex.Message);
    }
}
