using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Coordinator.Metrics;

namespace Orchestrator.Coordinator.Tests.Metrics;

/// <summary>The coordinator's metrics endpoint: Prometheus exposition, the status JSON and the page, from the run's events.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Run_events_become_prometheus_metrics_labelled_with_the_run()
    {
        await using var monitor = await LiveMonitor.StartAsync("20261202-120000-abc123");
        monitor.Observer.OnWorkerUp(0);
        monitor.Observer.OnWorkerUp(1);
        monitor.Steps(1, 8);
        monitor.Evaluation(1);
        monitor.Observer.OnCheckpointCommitted("epoch-0001", 8);
        monitor.Observer.OnPushesChanged(pending: 1, failed: 0);
        monitor.Steps(9, 12);
        monitor.Observer.OnPushesChanged(pending: 0, failed: 2);
        monitor.Observer.OnWorkerFailed(1, "killed");

        var m = await monitor.ScrapeAsync();

        const string run = "run_id=\"20261202-120000-abc123\"";
        Assert.Equal(12, m[$"orchestrator_step{{{run}}}"]);
        Assert.Equal(LiveMonitor.TotalSteps, m[$"orchestrator_total_steps{{{run}}}"]);
        Assert.Equal(1.5, m[$"orchestrator_epoch{{{run}}}"], 6);
        Assert.Equal(LiveMonitor.Loss(12), m[$"orchestrator_loss{{{run}}}"], 9);
        Assert.Equal(LiveMonitor.LearningRate(12), m[$"orchestrator_learning_rate{{{run}}}"], 12);
        Assert.Equal(112, m[$"orchestrator_samples_per_second{{{run}}}"]);
        Assert.Equal(0.5, m[$"orchestrator_eval_metric{{name=\"f1\",{run}}}"], 9);
        Assert.Equal(1.0, m[$"orchestrator_eval_metric{{name=\"loss\",{run}}}"], 9);
        Assert.Equal(0.6, m[$"orchestrator_eval_metric{{name=\"accuracy\",{run}}}"], 9);
        Assert.Equal(0.55, m[$"orchestrator_eval_entity_f1{{entity=\"PER\",{run}}}"], 9);
        Assert.Equal(1, m[$"orchestrator_evaluations_total{{{run}}}"]);
        Assert.Equal(2, m[$"orchestrator_workers{{{run}}}"]);
        Assert.Equal(1, m[$"orchestrator_workers_up{{{run}}}"]);
        Assert.Equal(1, m[$"orchestrator_worker_failures_total{{{run}}}"]);
        Assert.Equal(1, m[$"orchestrator_checkpoints_committed_total{{{run}}}"]);
        Assert.Equal(0, m[$"orchestrator_pushes_pending{{{run}}}"]);
        Assert.Equal(2, m[$"orchestrator_pushes_failed_total{{{run}}}"]);
    }

    [Fact]
    public async Task Two_runs_in_one_process_keep_their_own_registries()
    {
        await using var a = await LiveMonitor.StartAsync("run-a");
        await using var b = await LiveMonitor.StartAsync("run-b");
        a.Steps(1, 5);
        b.Steps(1, 2);

        var fromA = await a.ScrapeAsync();
        var fromB = await b.ScrapeAsync();

        Assert.NotEqual(a.Server.Address.Port, b.Server.Address.Port);
        Assert.Equal(5, fromA["orchestrator_step{run_id=\"run-a\"}"]);
        Assert.Equal(2, fromB["orchestrator_step{run_id=\"run-b\"}"]);
        Assert.DoesNotContain(fromA.Keys, k => k.Contains("run-b", StringComparison.Ordinal));
        Assert.DoesNotContain(fromB.Keys, k => k.Contains("run-a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_json_holds_progress_curves_and_the_newest_entity_scores()
    {
        await using var monitor = await LiveMonitor.StartAsync();
        monitor.Observer.OnWorkerUp(0);
        monitor.Observer.OnWorkerUp(1);
        monitor.Steps(1, 8);
        monitor.Evaluation(1);
        monitor.Steps(9, 16);
        monitor.Evaluation(2);
        monitor.Observer.OnCheckpointCommitted("epoch-0002", 16);
        monitor.Observer.OnPushesChanged(pending: 1, failed: 0);

        var json = JsonNode.Parse(await monitor.Http.GetStringAsync(new Uri(monitor.Server.Address, "api/status")))!;

        Assert.Equal("training", (string?)json["state"]);
        Assert.Equal("tiny-ner", (string?)json["run_name"]);
        Assert.Equal(16, (long)json["step"]!);
        Assert.Equal(24, (int)json["total_steps"]!);
        Assert.Equal(2.0, (double)json["epoch"]!, 9);
        Assert.Equal(2, (int)json["workers_up"]!);
        Assert.Equal(1, (int)json["checkpoints_committed"]!);
        Assert.Equal("epoch-0002", (string?)json["last_checkpoint"]);
        Assert.Equal(1, (int)json["pushes_pending"]!);
        Assert.True((double)json["eta_seconds"]! >= 0);
        var training = json["training"]!.AsArray();
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), training.Select(p => (long)p!["step"]!));
        Assert.Equal(LiveMonitor.Loss(16), (double)training[^1]!["loss"]!, 9);
        Assert.Equal(LiveMonitor.LearningRate(16), (double)training[^1]!["learning_rate"]!, 12);
        var evaluations = json["evaluations"]!.AsArray();
        Assert.Equal([1.0, 2.0], evaluations.Select(e => (double)e!["epoch"]!));
        Assert.Equal(0.7, (double)evaluations[1]!["metrics"]!["f1"]!, 9);
        var entities = json["entities"]!.AsArray();
        Assert.Equal(["LOC", "PER"], entities.Select(e => (string?)e!["type"]));
        Assert.Equal(0.75, (double)entities[1]!["f1"]!, 9);
        Assert.Equal(20, (int)entities[1]!["support"]!);

        monitor.Observer.OnRunEnded(succeeded: true, error: null);
        json = JsonNode.Parse(await monitor.Http.GetStringAsync(new Uri(monitor.Server.Address, "api/status")))!;
        Assert.Equal("done", (string?)json["state"]);
        Assert.Equal(0, (int)json["workers_up"]!);
    }

    [Fact]
    public async Task The_status_page_is_one_self_contained_html_file()
    {
        await using var monitor = await LiveMonitor.StartAsync();

        using var response = await monitor.Http.GetAsync(monitor.Server.Address);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"loss-chart\"", html);
        Assert.Contains("fetch(\"api/status\"", html);
        // Nothing fetched from elsewhere: no external scripts, styles or fonts.
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public void A_long_run_keeps_a_bounded_curve_in_step_order()
    {
        var status = new RunStatus("r", "long", 100_000, 1000, 100, 1);
        for (var step = 1; step <= 9000; step++) status.Progress(step, 1.0 / step, 1e-3, 10);

        var training = status.Snapshot().Training;

        Assert.InRange(training.Count, RunStatus.MaxTrainingPoints / 2, RunStatus.MaxTrainingPoints);
        Assert.Equal(1, training[0].Step);
        Assert.True(training.Zip(training.Skip(1)).All(p => p.First.Step < p.Second.Step));
        Assert.True(training[^1].Step > 8900, $"the curve stops at step {training[^1].Step}");
        Assert.Equal(9000, status.Snapshot().Step);
    }
}
