using System.Net.Security;
using Akka.Event;
using Akka.Remote.Hosting;
using Orchestrator.Shared.Cluster;

namespace Orchestrator.Shared.Tests.Cluster;

public sealed class ClusterTlsOptionsTests : IDisposable
{
    readonly ClusterCertificate _cluster = ClusterCertificate.Create();
    readonly ClusterCertificate _other = ClusterCertificate.Create();

    public void Dispose()
    {
        _cluster.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void UseClusterTlsTurnsOnMutualTlsWithTheCertificateAndNeverSuppressesValidation()
    {
        var remote = new RemoteOptions().UseClusterTls(_cluster);

        Assert.True(remote.EnableSsl);
        Assert.Same(_cluster.Certificate, remote.Ssl.X509Certificate);
        Assert.True(remote.Ssl.RequireMutualAuthentication);
        Assert.False(remote.Ssl.SuppressValidation);
        Assert.NotNull(remote.Ssl.CustomValidator);
        Assert.True(remote.Ssl.CustomValidator(_cluster.Certificate, null, "peer", SslPolicyErrors.RemoteCertificateChainErrors, NoLogger.Instance));
        Assert.False(remote.Ssl.CustomValidator(_other.Certificate, null, "peer", SslPolicyErrors.None, NoLogger.Instance));
    }

    [Fact]
    public void ThePinAcceptsOnlyTheClusterCertificate()
    {
        var pin = ClusterTls.PinnedTo(_cluster.Thumbprint.ToLowerInvariant());

        // Chain errors (self-signed: untrusted root) and name mismatches do not matter: the exact certificate does.
        Assert.True(pin(_cluster.Certificate, null, "peer", SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, NoLogger.Instance));
        Assert.False(pin(_other.Certificate, null, "peer", SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(pin(null, null, "peer", SslPolicyErrors.RemoteCertificateNotAvailable, NoLogger.Instance));
        Assert.Throws<ArgumentException>(() => ClusterTls.PinnedTo(_cluster.Certificate.Thumbprint)); // SHA-1: not what we pin
    }
}
