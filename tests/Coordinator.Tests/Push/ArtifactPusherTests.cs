using Orchestrator.Coordinator.Push;

namespace Orchestrator.Coordinator.Tests.Push;

public class ArtifactPusherTests
{
    [Fact]
    public async Task A_backlog_coalesces_to_the_newest_and_names_the_skipped()
    {
        var destination = new GatedDestination();
        var log = new CollectingSink();
        var pusher = new ArtifactPusher([destination], log.Logger(), PushTestKit.FastRetries);

        pusher.Enqueue(new PushRequest("/ckpt/epoch-0001", "epoch 1"));
        await destination.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("/ckpt/epoch-0001", pusher.InFlightCheckpoint);
        for (var epoch = 2; epoch <= 5; epoch++)
            pusher.Enqueue(new PushRequest($"/ckpt/epoch-000{epoch}", $"epoch {epoch}", IsFinal: epoch == 5)); // returns at once
        Assert.Empty(destination.Pushed);
        destination.Release();
        var summary = await pusher.CompleteAsync();

        Assert.Equal(["epoch 1", "epoch 5"], destination.Pushed);
        Assert.Null(pusher.InFlightCheckpoint);
        Assert.Equal(["epoch 2", "epoch 3", "epoch 4"], summary.CoalescedLabels);
        Assert.Equal((2, 3, 0), (summary.Pushed, summary.Coalesced, summary.Failed));
        var warnings = log.Warnings.ToArray();
        Assert.Equal(3, warnings.Length);
        for (var epoch = 2; epoch <= 4; epoch++)
            Assert.Contains(warnings, w => w.Contains($"Push of \"epoch {epoch}\" skipped") && w.Contains("\"epoch 5\""));
    }

    [Fact]
    public async Task The_final_request_wins_even_if_something_follows_it()
    {
        var destination = new GatedDestination();
        var pusher = new ArtifactPusher([destination], new CollectingSink().Logger(), PushTestKit.FastRetries);
        pusher.Enqueue(new PushRequest("/c/1", "epoch 1"));
        await destination.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        pusher.Enqueue(new PushRequest("/c/best", "best", IsFinal: true));
        pusher.Enqueue(new PushRequest("/c/3", "epoch 3"));
        destination.Release();
        var summary = await pusher.CompleteAsync();
        Assert.Equal(["epoch 1", "best"], destination.Pushed);
        Assert.Equal(["epoch 3"], summary.CoalescedLabels);
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_success()
    {
        var flaky = new FlakyDestination(failures: 2);
        var log = new CollectingSink();
        var pusher = new ArtifactPusher([flaky], log.Logger(), PushTestKit.FastRetries);
        pusher.Enqueue(new PushRequest("/c/1", "epoch 1"));
        var summary = await pusher.CompleteAsync();
        Assert.Equal(3, flaky.Calls);
        Assert.Equal((1, 0, 2), (summary.Pushed, summary.Failed, summary.Retries));
        Assert.Equal(2, log.Warnings.Count(w => w.Contains("retrying in")));
    }

    [Fact]
    public async Task Enqueue_after_completion_is_refused_and_completion_is_idempotent()
    {
        var pusher = new ArtifactPusher([new FlakyDestination(0)], new CollectingSink().Logger(), PushTestKit.FastRetries);
        var first = await pusher.CompleteAsync();
        var second = await pusher.CompleteAsync();
        Assert.Equal(0, first.Pushed + second.Pushed);
        Assert.Throws<InvalidOperationException>(() => pusher.Enqueue(new PushRequest("/c/1", "epoch 1")));
    }

    [Fact]
    public async Task Cancelling_the_wait_abandons_a_hung_push_as_failed()
    {
        var destination = new GatedDestination(); // never released
        var pusher = new ArtifactPusher([destination], new CollectingSink().Logger(), PushTestKit.FastRetries);
        pusher.Enqueue(new PushRequest("/c/1", "epoch 1", IsFinal: true));
        await destination.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var summary = await pusher.CompleteAsync(cancel.Token);
        var outcome = Assert.Single(summary.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Equal("cancelled", outcome.Error);
        Assert.Equal(1, outcome.Attempts);
    }

    [Fact]
    public async Task A_vanished_checkpoint_fails_without_retrying()
    {
        using var tmp = new TempDirectory();
        var pusher = new ArtifactPusher([new FilePushDestination(tmp.Combine("out"))], new CollectingSink().Logger(), PushTestKit.FastRetries);
        pusher.Enqueue(new PushRequest(tmp.Combine("gone"), "epoch 1"));
        var outcome = Assert.Single((await pusher.CompleteAsync()).Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Equal(1, outcome.Attempts);
    }
}
