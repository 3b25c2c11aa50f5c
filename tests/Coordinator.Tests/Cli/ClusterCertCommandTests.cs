using System.CommandLine;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Shared.Cluster;

namespace Orchestrator.Coordinator.Tests.Cli;

public sealed class ClusterCertCommandTests : IDisposable
{
    readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ClusterCertWritesAnOwnerOnlyPfxThatLoadsWithThePrintedThumbprint()
    {
        var path = _folder.Combine("cluster.pfx");

        var (exit, output, error) = Invoke("cluster-cert", "--output", path, "--password", "pw", "--days", "30");

        Assert.Equal(0, exit);
        Assert.Empty(error);
        using var certificate = ClusterCertificate.Load(path, "pw");
        Assert.Contains(certificate.Thumbprint, output);
        Assert.Contains(path, output);
        Assert.InRange(certificate.NotAfter - DateTimeOffset.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void ClusterCertRefusesToReplaceAFileUnlessForced()
    {
        var path = _folder.Combine("cluster.pfx");
        Assert.Equal(0, Invoke("cluster-cert", "--output", path).Exit);
        var first = File.ReadAllBytes(path);

        var (exit, _, error) = Invoke("cluster-cert", "--output", path);

        Assert.Equal(2, exit);
        Assert.Contains($"{path} already exists", error);
        Assert.Contains("--force", error);
        Assert.Equal(first, File.ReadAllBytes(path));

        Assert.Equal(0, Invoke("cluster-cert", "--output", path, "--force").Exit);
        Assert.NotEqual(first, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void ClusterCertExplainsBadInput()
    {
        var inMissingFolder = _folder.Combine("missing", "cluster.pfx");
        var (exit, _, error) = Invoke("cluster-cert", "--output", inMissingFolder);
        Assert.Equal(2, exit);
        Assert.Contains("does not exist", error);
        Assert.False(File.Exists(inMissingFolder));

        var root = Root();
        Assert.Contains(root.Parse(["cluster-cert", "--output", _folder.Combine("c.pfx"), "--days", "0"]).Errors, e => e.Message.Contains("--days"));
        Assert.Contains(root.Parse(["cluster-cert", "--output", _folder.Combine("c.pfx"), "--password", ""]).Errors, e => e.Message.Contains("--password"));
        Assert.Contains(root.Parse(["cluster-cert"]).Errors, e => e.Message.Contains("--output"));
    }

    static RootCommand Root() => new() { ClusterCertCommand.Create() };

    static (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var parse = Root().Parse(args);
        Assert.Empty(parse.Errors);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
