using Orchestrator.Coordinator.Push;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Tests.Push;

public class FilePushTests
{
    [Fact]
    public async Task Copies_whole_checkpoints_and_points_latest_at_the_newest()
    {
        using var tmp = new TempDirectory();
        var root = tmp.Combine("volume", "models");
        var destination = PushDestinations.Create(new Uri(root).AbsoluteUri, tmp.Combine("run"));
        await destination.PushAsync(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0001", 1), "epoch 1"), CancellationToken.None);
        await destination.PushAsync(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0002", 2), "epoch 2")
        {
            Card = new ModelCardInput("ner", new TrainOptions()),
        }, CancellationToken.None);

        Assert.Equal(["epoch-0001", "epoch-0002", "latest"], Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).Order());
        Assert.Equal("epoch-0002\n", File.ReadAllText(Path.Combine(root, "latest")));
        Assert.Equal(["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json", "vocab.txt"],
            Directory.GetFiles(Path.Combine(root, "epoch-0001")).Select(Path.GetFileName).Order());
        Assert.True(File.Exists(Path.Combine(root, "epoch-0002", "README.md")));
        Assert.Equal(Enumerable.Repeat((byte)2, 64), File.ReadAllBytes(Path.Combine(root, "epoch-0002", "model.safetensors")));
    }

    [Fact]
    public async Task Re_pushing_a_checkpoint_replaces_it_whole()
    {
        using var tmp = new TempDirectory();
        var root = tmp.Combine("models");
        var destination = new FilePushDestination(root);
        var checkpoint = PushTestKit.Checkpoint(tmp.Path, "epoch-0001", 1);
        await destination.PushAsync(new PushRequest(checkpoint, "epoch 1"), CancellationToken.None);
        File.WriteAllBytes(Path.Combine(checkpoint, "model.safetensors"), [9]);
        File.Delete(Path.Combine(checkpoint, "vocab.txt"));
        await destination.PushAsync(new PushRequest(checkpoint, "epoch 1", IsFinal: true), CancellationToken.None);

        Assert.Equal([9], File.ReadAllBytes(Path.Combine(root, "epoch-0001", "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(root, "epoch-0001", "vocab.txt")));
        Assert.Equal(["epoch-0001", "latest"], Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_missing_checkpoint_fails_without_leaving_partial_folders()
    {
        using var tmp = new TempDirectory();
        var root = tmp.Combine("models");
        var destination = new FilePushDestination(root);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() =>
            destination.PushAsync(new PushRequest(tmp.Combine("nope"), "epoch 1"), CancellationToken.None));
        Assert.False(Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any());
    }
}
