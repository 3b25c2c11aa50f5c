using System.CommandLine;
using Orchestrator.Coordinator.Cli;

namespace Orchestrator.Coordinator.Tests.Cli;

/// <summary>`--public-port` of `orchestrator worker` and `orchestrator coordinator`: a port, or absent.</summary>
public class PublicPortOptionTests
{
    private static IReadOnlyList<string> Errors(Command command, params string[] arguments) =>
        command.Parse(arguments).Errors.Select(e => e.Message).ToList();

    [Fact]
    public void The_worker_takes_a_public_port_and_refuses_a_number_that_is_no_port()
    {
        Assert.Empty(Errors(WorkerCommand.Create(), "--coordinator", "127.0.0.1:4053", "--port", "4054", "--public-port", "30054"));
        Assert.Empty(Errors(WorkerCommand.Create(), "--coordinator", "127.0.0.1:4053"));
        var error = Assert.Single(Errors(WorkerCommand.Create(), "--coordinator", "127.0.0.1:4053", "--public-port", "70000"));
        Assert.Contains("--public-port", error);
        Assert.Contains("70000", error);
    }

    [Fact]
    public void The_coordinator_refuses_a_public_port_of_zero()
    {
        var error = Assert.Single(Errors(CoordinatorCommand.Create(), "--expect-workers", "2", "--public-port", "0"));
        Assert.Contains("--public-port", error);
    }
}
