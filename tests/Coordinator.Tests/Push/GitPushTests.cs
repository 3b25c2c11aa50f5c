using Orchestrator.Coordinator.ConsoleView;
using Orchestrator.Coordinator.Push;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Tests.Push;

public class GitPushTests
{
    private static ModelCardInput Card() => new("ner-test", new TrainOptions { ModelPath = "bert-base-cased", DataPath = "d" })
    {
        BaseModel = "bert-base-cased",
        Evaluations = [new EvaluationRecord(1, 4, 0.5, new Dictionary<string, double> { ["loss"] = 0.3, ["f1"] = 0.8 })],
        FinalPerType = [new TypeScores("PER", 0.9, 0.8, 0.85, 10)],
    };

    [Fact]
    public async Task Pushes_commit_model_files_and_card_to_a_bare_repository()
    {
        using var tmp = new TempDirectory();
        var remote = await PushTestKit.BareRepository(tmp.Path);
        var runDir = tmp.Combine("runs", "ner");
        var destination = PushDestinations.Create($"git+file://{remote}", runDir);
        Assert.StartsWith(Path.Combine(runDir, "push", "git"), ((GitPushDestination)destination).WorkingDirectory);
        Assert.Equal($"git+file://{remote}", destination.Description);

        await destination.PushAsync(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0001", 1), "epoch 1"), CancellationToken.None);
        await destination.PushAsync(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0002", 2), "epoch 2", IsFinal: true) { Card = Card() },
            CancellationToken.None);

        Assert.Equal(["End of training", "Training in progress, epoch 1"], await PushTestKit.GitLines(remote, "log", "--format=%s", "main"));
        Assert.Equal(["Orchestrator <orchestrator@localhost>"], (await PushTestKit.GitLines(remote, "log", "--format=%an <%ae>", "main")).Distinct());
        Assert.Equal(["README.md", "config.json", "model.safetensors", "training_curves.png", "vocab.txt"], await PushTestKit.GitLines(remote, "ls-tree", "--name-only", "main"));
        Assert.Equal(["config.json", "model.safetensors", "vocab.txt"], await PushTestKit.GitLines(remote, "ls-tree", "--name-only", "main~1"));
        var model = await PushTestKit.GitOutput(remote, "cat-file", "-p", "main:model.safetensors");
        Assert.Equal(new string('\u0002', 64), model);
        var readme = await PushTestKit.GitOutput(remote, "show", "main:README.md");
        Assert.StartsWith("---\nlibrary_name: orchestrator\n", readme);
        Assert.Contains("| 0.5000 | 1.0 | 4 | 0.3000 | 0.8000 |", readme);
    }

    [Fact]
    public async Task A_new_working_folder_continues_the_remote_history()
    {
        using var tmp = new TempDirectory();
        var remote = await PushTestKit.BareRepository(tmp.Path);
        await new GitPushDestination($"file://{remote}", tmp.Combine("work-a"))
            .PushAsync(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0001", 1), "epoch 1"), CancellationToken.None);
        // A restarted coordinator (or another pod) with an empty working folder.
        await new GitPushDestination($"file://{remote}", tmp.Combine("work-b"))
            .PushAsync(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0002", 2), "epoch 2"), CancellationToken.None);
        // Pushing identical content again makes no empty commit.
        await new GitPushDestination($"file://{remote}", tmp.Combine("work-b"))
            .PushAsync(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0002", 2), "epoch 2"), CancellationToken.None);

        Assert.Equal(["Training in progress, epoch 2", "Training in progress, epoch 1"], await PushTestKit.GitLines(remote, "log", "--format=%s", "main"));
    }

    [Fact]
    public async Task A_refusing_remote_becomes_retries_and_warnings_never_an_exception()
    {
        using var tmp = new TempDirectory();
        var refusing = await PushTestKit.BareRepository(tmp.Path, "refusing.git", "#!/bin/sh\necho 'pushes are closed' >&2\nexit 1\n");
        var mounted = tmp.Combine("mounted");
        var log = new CollectingSink();
        var pusher = new ArtifactPusher(
            [
                PushDestinations.Create($"git+file://{refusing}", tmp.Combine("run")),
                PushDestinations.Create($"git+file://{tmp.Combine("does-not-exist.git")}", tmp.Combine("run")),
                PushDestinations.Create($"file://{mounted}", tmp.Combine("run")),
            ],
            log.Logger(), PushTestKit.FastRetries);

        pusher.Enqueue(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0001", 1), "epoch 1", IsFinal: true));
        var summary = await pusher.CompleteAsync();

        Assert.Equal(1, summary.Pushed);
        Assert.Equal(2, summary.Failed);
        Assert.Equal(4, summary.Retries);
        Assert.All(summary.Outcomes.Where(o => !o.Succeeded), o => Assert.Equal(3, o.Attempts));
        Assert.Contains("pre-receive hook declined", summary.Outcomes[0].Error);
        Assert.Equal(2 * 3, log.Warnings.Count()); // per failing remote: two retry warnings and one final warning
        Assert.Contains(log.Warnings, w => w.Contains("failed after 3 attempt(s)") && w.Contains("refusing.git"));
        Assert.True(Directory.Exists(Path.Combine(mounted, "epoch-0001")));
        Assert.Empty(await PushTestKit.GitLines(refusing, "for-each-ref"));
    }

    [Fact]
    public async Task Https_credentials_never_appear_in_descriptions_or_errors()
    {
        using var tmp = new TempDirectory();
        var destination = new GitPushDestination("https://someone:s3cret-token@127.0.0.1:9/user/model", tmp.Combine("work"),
            new GitPushOptions { Token = "hf_s3cret", CommandTimeout = TimeSpan.FromSeconds(30) });
        Assert.Equal("git+https://***@127.0.0.1:9/user/model", destination.Description);
        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            destination.PushAsync(new PushRequest(PushTestKit.Checkpoint(tmp.Path, "epoch-0001", 1), "epoch 1"), CancellationToken.None));
        Assert.DoesNotContain("hf_s3cret", e.Message);
        Assert.DoesNotContain("s3cret-token", e.Message);
        Assert.StartsWith("git ls-remote failed", e.Message);
    }

    [Fact]
    public void Unknown_destination_schemes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => PushDestinations.Create("s3://bucket/x", "runs/x"));
        Assert.IsType<FilePushDestination>(PushDestinations.Create("file:///mnt/models", "runs/x"));
    }
}
