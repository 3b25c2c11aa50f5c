using System.CommandLine;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// `--public-port P` of the cluster commands: the node listens on `--port` but tells its peers to use P, because
/// something forwards P to it (a container's port mapping, a proxy). Akka's `public-port`: a node's peers must all use
/// its one advertised address, since Akka drops a message addressed to any other name of the node.
/// </summary>
public static class PublicPortOption
{
    public static Option<int?> Create(string whoReachesIt) => new("--public-port")
    {
        Description = $"The port {whoReachesIt} when a port mapping or a proxy forwards it to --port (default: --port)",
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int?>() is { } port && port is < 1 or > 65535)
                    result.AddError($"--public-port: {port} is not a port (1-65535)");
            },
        },
    };
}
