using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;

namespace Orchestrator.Shared.Cluster;

/// <summary>
/// Akka.Remote over mutual TLS with the cluster's certificate: only nodes that hold <see cref="ClusterCertificate"/>
/// can connect, join or send a message.
/// </summary>
/// <remarks>
/// <para>
/// Both sides of every connection present the cluster certificate (<c>require-mutual-authentication</c>), and both
/// sides accept only a peer certificate whose SHA-256 thumbprint is the cluster certificate's. TLS makes each side
/// prove it holds the private key, so a node that merely knows the (public) thumbprint, or has a certificate of its
/// own, is refused during the handshake, before Akka reads a byte from it: it never becomes a cluster member, even for
/// a moment (an application-level join token would leave it a member until downed).
/// </para>
/// <para>
/// The pin replaces the usual chain and host-name checks, on purpose: the certificate is self-signed (no authority to
/// chain to), and all nodes share it whatever their host names or pod IPs. <c>suppress-validation = true</c> is never
/// set: it accepts any certificate, which lets an impostor with a self-signed certificate of its own join.
/// </para>
/// <para>
/// With TLS on, node addresses use the <see cref="Protocol"/> scheme (<c>akka.ssl.tcp://system@host:port</c>), seed
/// nodes included; a plain <c>akka.tcp://</c> address cannot reach a TLS node.
/// </para>
/// </remarks>
public static class ClusterTls
{
    /// <summary>The address scheme of Akka.Remote with TLS on: seed-node addresses must use it.</summary>
    public const string Protocol = "akka.ssl.tcp";

    /// <summary>
    /// Switches these remote options to mutual TLS with <paramref name="certificate"/>: presented by this node on the
    /// connections it accepts and on those it opens, and the only certificate it accepts from a peer.
    /// Use it where the node's <see cref="RemoteOptions"/> are built, before <c>WithRemoting</c>.
    /// </summary>
    /// <exception cref="ClusterCertificateException">The certificate has no private key, has expired or is not yet valid.</exception>
    public static RemoteOptions UseClusterTls(this RemoteOptions remote, ClusterCertificate certificate)
    {
        certificate.EnsureUsable();
        // EnableSsl must be set explicitly: Akka.Hosting writes `enable-ssl = true` only then, and without it the
        // transport stays plain TCP even with a certificate configured.
        remote.EnableSsl = true;
        remote.Ssl = new SslOptions
        {
            X509Certificate = certificate.Certificate,
            RequireMutualAuthentication = true,
            SuppressValidation = false,
            // All nodes share one certificate, whatever their names: the pin below is the identity check.
            ValidateCertificateHostname = false,
            CustomValidator = PinnedTo(certificate.Thumbprint),
        };
        return remote;
    }

    /// <summary>
    /// A validator that accepts exactly the certificate with this SHA-256 thumbprint (see
    /// <see cref="ClusterCertificate.Thumbprint"/>), within its validity dates, and refuses anything else with a
    /// warning naming the peer. Akka.Remote calls it on both sides of a connection: for the server's certificate on
    /// the connecting node, for the client's certificate on the accepting node.
    /// </summary>
    /// <remarks>
    /// Akka's own <c>CertificateValidation.PinnedCertificate</c> pins the SHA-1 thumbprint; we pin SHA-256.
    /// The chain errors every self-signed certificate raises (untrusted root) and host-name mismatches are ignored:
    /// an exact pin is stronger than both.
    /// </remarks>
    public static CertificateValidationCallback PinnedTo(string sha256Thumbprint)
    {
        if (string.IsNullOrWhiteSpace(sha256Thumbprint) || sha256Thumbprint.Length != 64 || !sha256Thumbprint.All(Uri.IsHexDigit))
            throw new ArgumentException($"expected a SHA-256 thumbprint (64 hexadecimal digits), got '{sha256Thumbprint}'", nameof(sha256Thumbprint));
        var pinned = sha256Thumbprint.ToUpperInvariant();
        return (X509Certificate2? peerCertificate, X509Chain? _, string peer, SslPolicyErrors _, ILoggingAdapter log) =>
        {
            // Akka's logging adapter formats with positional placeholders ({0}), unlike Serilog templates.
            if (peerCertificate is null)
            {
                log.Warning("Refused TLS peer {0}: it presented no certificate; only the cluster certificate {1} is accepted", peer, pinned);
                return false;
            }
            var presented = peerCertificate.GetCertHashString(HashAlgorithmName.SHA256);
            if (!string.Equals(presented, pinned, StringComparison.Ordinal))
            {
                log.Warning("Refused TLS peer {0}: its certificate {1} ({2}) is not the cluster certificate {3}",
                    peer, presented, peerCertificate.Subject, pinned);
                return false;
            }
            var now = DateTime.Now;
            if (now < peerCertificate.NotBefore || now > peerCertificate.NotAfter)
            {
                log.Warning("Refused TLS peer {0}: the cluster certificate {1} is valid only from {2:u} to {3:u}",
                    peer, pinned, peerCertificate.NotBefore.ToUniversalTime(), peerCertificate.NotAfter.ToUniversalTime());
                return false;
            }
            return true;
        };
    }
}
