using System.CommandLine;
using System.Net;
using Orchestrator.Coordinator.Cluster;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// `orchestrator coordinator --config run.yaml [--port P] --expect-workers N`: the coordinator of a cluster run (one
/// pod). It waits for N worker actors (`orchestrator worker --coordinator HOST:PORT`, each proving it holds the same
/// data), then runs; the run folder must be on a volume every node mounts at the same path.
/// </summary>
public static class CoordinatorCommand
{
    public static Command Create()
    {
        var command = new Command("coordinator", "Coordinate a cluster run: wait for the expected workers to join, then train");
        var cli = TrainOptionsCli.AddTo(command);
        var expect = new Option<int>("--expect-workers") { Description = "Worker actors (devices) to wait for: the world size", Required = true };
        var port = new Option<int>("--port") { Description = "Port workers join (0: any free port, printed at start)", DefaultValueFactory = _ => 2552 };
        var hostName = new Option<string?>("--host") { Description = "The name workers reach this coordinator by (default: this machine's host name)" };
        var publicPort = PublicPortOption.Create("workers reach this coordinator by");
        var timeout = new Option<int>("--join-timeout") { Description = "Seconds to wait for the expected workers (and for a replacement)", DefaultValueFactory = _ => 600 };
        command.Options.Add(expect);
        command.Options.Add(port);
        command.Options.Add(hostName);
        command.Options.Add(publicPort);
        command.Options.Add(timeout);
        command.SetAction(async (parse, cancellation) =>
        {
            TrainOptions options;
            try
            {
                options = TrainCommand.Bind(cli, parse);
                if (parse.GetValue(expect) < 1) throw new OptionsValidationException(["expect_workers: must be at least 1"]);
                options = TrainOptionsValidator.Validate(options with { Workers = parse.GetValue(expect) });
            }
            catch (OptionsValidationException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return RunHost.BadInput;
            }
            using var certificate = Orchestrator.Shared.Cluster.ClusterCertificate.FromEnvironment();
            if (certificate is null)
                Console.Error.WriteLine($"warning: no cluster certificate ({Orchestrator.Shared.Cluster.ClusterCertificate.PathVariable} is not set): " +
                                        "any node that reaches the port can join; make one with `orchestrator cluster-cert`");
            var placement = WorkerPlacement.Cluster(parse.GetValue(hostName) ?? Dns.GetHostName(), parse.GetValue(port),
                TimeSpan.FromSeconds(parse.GetValue(timeout)), ClusterHosting.SecurityFrom(certificate), parse.GetValue(publicPort));
            return await RunHost.TrainAsync(options, cancellationToken: cancellation, placement: placement);
        });
        return command;
    }
}
