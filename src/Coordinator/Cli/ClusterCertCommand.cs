using System.CommandLine;
using Orchestrator.Shared.Cluster;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// `orchestrator cluster-cert`: the certificate a cluster's nodes present to each other and pin (see
/// docs/cluster-security.md). One file, given to every coordinator and worker, for example as a Kubernetes Secret.
/// </summary>
public static class ClusterCertCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--output") { Description = "The .pfx file to write (certificate and private key, readable by its owner only)", Required = true };
        var password = new Option<string?>("--password") { Description = "Encrypt the file with this password (AES-256); nodes then need it to load the file" };
        var days = new Option<int>("--days") { Description = "Days the certificate stays valid", DefaultValueFactory = _ => (int)ClusterCertificate.DefaultValidity.TotalDays };
        var force = new Option<bool>("--force") { Description = "Replace an existing file (nodes pinning the old certificate can no longer join)" };
        var command = new Command("cluster-cert", "Create the cluster's certificate: nodes join only with it (mutual TLS, pinned thumbprint)");
        foreach (var option in new Option[] { output, password, days, force })
            command.Options.Add(option);
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0) result.AddError("--days must be a positive number of days");
        });
        password.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is "") result.AddError("--password must not be empty (leave it out for a file without a password)");
        });
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!.FullName;
            if (File.Exists(path) && !parse.GetValue(force))
            {
                parse.InvocationConfiguration.Error.WriteLine(
                    $"cluster-cert: {path} already exists; nodes may still pin that certificate. Use --force to replace it.");
                return 2;
            }
            try
            {
                using var certificate = ClusterCertificate.Create(TimeSpan.FromDays(parse.GetValue(days)));
                certificate.Save(path, parse.GetValue(password), overwrite: parse.GetValue(force));
                var console = parse.InvocationConfiguration.Output;
                console.WriteLine($"Wrote the cluster certificate to {path}");
                console.WriteLine($"  SHA-256 thumbprint (pinned by every node): {certificate.Thumbprint}");
                console.WriteLine($"  valid until {certificate.NotAfter:yyyy-MM-dd}");
                console.WriteLine($"Give the same file to every node, e.g. kubectl create secret generic orchestrator-cluster-cert --from-file=cluster.pfx={path}");
                return 0;
            }
            catch (ClusterCertificateException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"cluster-cert: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
