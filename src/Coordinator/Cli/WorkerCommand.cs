using System.CommandLine;
using System.Net;
using Orchestrator.Coordinator.Cluster;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// `orchestrator worker --coordinator HOST:PORT [--devices cpu|cuda:0,cuda:1]`: one process per node (one pod),
/// one worker actor per device. It reads the run's data itself from the run's data path.
/// </summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var coordinator = new Option<string>("--coordinator") { Description = "The coordinator's address (a DNS name in Kubernetes)", HelpName = "host:port", Required = true };
        var devices = new Option<string>("--devices") { Description = "Devices, one worker actor each: cpu, or cuda:0,cuda:1,...", DefaultValueFactory = _ => "cpu" };
        var hostName = new Option<string?>("--host") { Description = "The name other nodes reach this one by (default: this machine's host name; 127.0.0.1 for a loopback coordinator)" };
        var port = new Option<int>("--port") { Description = "Port to listen on (0: any free port)", DefaultValueFactory = _ => 0 };
        var publicPort = PublicPortOption.Create("other nodes reach this worker by");
        var parentPid = new Option<int?>("--parent-pid") { Description = "Exit when this process ends (set by the local launcher)", Hidden = true };
        var logDirectory = new Option<string?>("--log-dir") { Description = "Log into this run folder's logs/ instead of JSON lines on stdout", Hidden = true };
        var runId = new Option<string?>("--run-id") { Description = "The run's id, for the log events (set by the local launcher)", Hidden = true };
        var processIndex = new Option<int>("--process-index") { Description = "This local worker process's number (names its log file)", Hidden = true };
        var logFormat = new Option<string>("--log-format") { Description = "text or json", DefaultValueFactory = _ => "json", Hidden = true };
        var command = new Command("worker", "Join a coordinator as a worker process (one worker actor per device)")
        {
            coordinator, devices, hostName, port, publicPort, parentPid, logDirectory, runId, processIndex, logFormat,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var address = parse.GetValue(coordinator)!;
            var colon = address.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out var coordinatorPort) || coordinatorPort is <= 0 or > 65535)
            {
                Console.Error.WriteLine($"error: --coordinator: '{address}' is not host:port");
                return 2;
            }
            var coordinatorHost = address[..colon];
            var deviceList = parse.GetValue(devices)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var bad = deviceList.FirstOrDefault(d => d != "cpu" && !(d.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(d[5..], out _)));
            if (deviceList.Length == 0 || bad is not null)
            {
                Console.Error.WriteLine($"error: --devices: '{bad}' is not cpu or cuda:N");
                return 2;
            }
            var loopback = IPAddress.TryParse(coordinatorHost, out var ip) && IPAddress.IsLoopback(ip) || coordinatorHost == "localhost";
            var publicHost = parse.GetValue(hostName) ?? (loopback ? "127.0.0.1" : Dns.GetHostName());
            using var certificate = Orchestrator.Shared.Cluster.ClusterCertificate.FromEnvironment();
            if (certificate is null)
                Console.Error.WriteLine($"warning: no cluster certificate ({Orchestrator.Shared.Cluster.ClusterCertificate.PathVariable} is not set): joining over plain TCP");
            return await WorkerProcess.RunAsync(new WorkerProcessSettings(coordinatorHost, coordinatorPort, deviceList, publicHost, parse.GetValue(port),
                parse.GetValue(parentPid), parse.GetValue(logDirectory), parse.GetValue(processIndex),
                Enum.TryParse<LogFormat>(parse.GetValue(logFormat), ignoreCase: true, out var format) ? format : LogFormat.Json,
                parse.GetValue(runId), ClusterHosting.SecurityFrom(certificate), parse.GetValue(publicPort)));
        });
        return command;
    }
}
