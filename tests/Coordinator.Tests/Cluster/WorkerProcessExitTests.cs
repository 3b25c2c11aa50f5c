using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Coordinator.Cluster;
using Orchestrator.Coordinator.Tests.Run;

namespace Orchestrator.Coordinator.Tests.Cluster;

/// <summary>
/// A real `orchestrator worker` process joins a coordinator node configured as the real one is; the coordinator downs
/// it, as its WorkerDowner does with a worker it found unreachable (a replacement that started slowly on a loaded
/// machine, say). The worker process must end with a failure code, never 0: the worker Job's restart policy
/// (OnFailure) and the local launcher start it again only then, and it rejoins as a replacement.
/// </summary>
public sealed class WorkerProcessExitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_worker_process_whose_node_is_downed_exits_with_a_failure_code()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka(ClusterHosting.SystemName, akka =>
            akka.ConfigureNode(new ClusterNode(ClusterHosting.CoordinatorRole, "127.0.0.1", "127.0.0.1", 0)));
        using var host = builder.Build();
        await host.StartAsync();
        using var temp = new TempDirectory();
        try
        {
            var cluster = Akka.Cluster.Cluster.Get(host.Services.GetRequiredService<ActorSystem>());
            var port = cluster.SelfAddress.Port ?? throw new InvalidOperationException("the coordinator node has no port");
            var worker = OrchestratorProcess.RunAsync(["worker", "--coordinator", $"127.0.0.1:{port}"], temp.Path, timeout: TimeSpan.FromMinutes(2));

            Member? member = null;
            var deadline = DateTime.UtcNow + Patience;
            while (member is null && !worker.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                member = cluster.State.Members.FirstOrDefault(m => m.HasRole(ClusterHosting.WorkerRole) && m.Status == MemberStatus.Up);
            }
            Assert.True(member is not null, $"the worker never became an Up member:\n{(worker.IsCompleted ? worker.Result.Tail() : "")}");

            cluster.Down(member.Address);
            var outcome = await worker;
            Assert.False(outcome.Killed, $"the downed worker process did not end by itself:\n{outcome.Tail()}");
            Assert.True(outcome.ExitCode == 1, $"the downed worker process exited with {outcome.ExitCode}:\n{outcome.Tail()}");
            Assert.Contains(outcome.Lines, l => l.Contains("Worker process exiting"));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
