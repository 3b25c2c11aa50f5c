using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.Shared.Cluster;

/// <summary>
/// The one certificate every node of a cluster (coordinator and workers) presents on Akka.Remote's TLS connections,
/// and the only one each of them accepts from its peer (<see cref="ClusterTls"/> pins its <see cref="Thumbprint"/>).
/// It is self-signed on purpose: no certificate authority vouches for it, possession of its private key is the
/// credential. Whoever can read the PFX can join the cluster, so the file is written readable by its owner only.
/// </summary>
/// <remarks>
/// Keep the instance alive (undisposed) as long as an ActorSystem uses it: the ActorSystem presents
/// <see cref="Certificate"/> on every new connection.
/// </remarks>
public sealed class ClusterCertificate : IDisposable
{
    /// <summary>The subject of the certificates we create. Not checked by peers: the pin is the identity.</summary>
    public const string DefaultSubject = "CN=orchestrator-cluster";

    /// <summary>
    /// The environment variable naming a node's cluster certificate file: set in every pod (the Kubernetes Secret's
    /// mount) and by the local launcher for the worker processes it starts (its ephemeral certificate).
    /// </summary>
    public const string PathVariable = "ORCHESTRATOR_CLUSTER_CERT";

    /// <summary>The environment variable holding the file's password, if it has one (from a Secret, never a command line).</summary>
    public const string PasswordVariable = "ORCHESTRATOR_CLUSTER_CERT_PASSWORD";

    /// <summary>How long `orchestrator cluster-cert` and <see cref="CreateEphemeral"/> certificates are valid.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(365);

    // Pods' clocks disagree a little; a certificate made on one node must already be valid on the others.
    static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromDays(1);

    const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    readonly bool _deleteFileOnDispose;

    ClusterCertificate(X509Certificate2 certificate, string? filePath, bool deleteFileOnDispose)
    {
        Certificate = certificate;
        FilePath = filePath;
        _deleteFileOnDispose = deleteFileOnDispose;
        Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary>The certificate with its private key, as Akka.Remote presents it.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// SHA-256 of the certificate (DER), upper-case hex: what peers pin. It is not X509Certificate2.Thumbprint, which
    /// is SHA-1; it is what <c>openssl x509 -noout -fingerprint -sha256</c> prints, without the colons.
    /// </summary>
    public string Thumbprint { get; }

    /// <summary>The file this certificate was loaded from or saved to by <see cref="CreateEphemeral"/>; null if only in memory.</summary>
    public string? FilePath { get; }

    public DateTimeOffset NotBefore => Certificate.NotBefore.ToUniversalTime();
    public DateTimeOffset NotAfter => Certificate.NotAfter.ToUniversalTime();

    /// <summary>
    /// A new self-signed certificate: ECDSA P-256 key, signed with SHA-256, marked for TLS server and client
    /// authentication (every node is both: it accepts connections and opens them).
    /// </summary>
    public static ClusterCertificate Create(TimeSpan? validity = null, string subject = DefaultSubject)
    {
        var lifetime = validity ?? DefaultValidity;
        if (lifetime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(validity), lifetime, "a certificate's validity must be positive");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(ServerAuthentication), new Oid(ClientAuthentication)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now - ClockSkewAllowance, now + lifetime);
        // Round-trip through PKCS#12 so a fresh certificate behaves exactly like one loaded from its file.
        return new ClusterCertificate(X509CertificateLoader.LoadPkcs12(ExportPkcs12(created, password: null), password: null), null, false);
    }

    /// <summary>
    /// A new certificate for one local launch, saved without a password to a new file in <paramref name="directory"/>
    /// readable by its owner only (Unix mode 0600). The launcher passes <see cref="FilePath"/> to the worker processes
    /// it starts; disposing this instance deletes the file.
    /// </summary>
    public static ClusterCertificate CreateEphemeral(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(Path.GetFullPath(directory), $"cluster-{Guid.NewGuid():N}.pfx");
        using (var created = Create())
            created.Save(path);
        return new ClusterCertificate(ReadPkcs12(path, password: null), path, deleteFileOnDispose: true);
    }

    /// <summary>
    /// The certificate named by <see cref="PathVariable"/> (with the password in <see cref="PasswordVariable"/>, if
    /// set), or null when <see cref="PathVariable"/> is unset or empty.
    /// </summary>
    /// <param name="getVariable">Reads a variable; the process environment by default.</param>
    /// <exception cref="ClusterCertificateException">The variable names a file that cannot be loaded.</exception>
    public static ClusterCertificate? FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var path = getVariable(PathVariable);
        if (string.IsNullOrWhiteSpace(path)) return null;
        var password = getVariable(PasswordVariable);
        try
        {
            return Load(path, string.IsNullOrEmpty(password) ? null : password);
        }
        catch (ClusterCertificateException e)
        {
            throw new ClusterCertificateException($"{e.Message} (from {PathVariable})", e.InnerException);
        }
    }

    /// <summary>
    /// Loads a PKCS#12 (.pfx) file holding the certificate and its private key.
    /// </summary>
    /// <exception cref="ClusterCertificateException">The file is missing, unreadable, not PKCS#12, has another password, or no private key.</exception>
    public static ClusterCertificate Load(string path, string? password = null) =>
        new(ReadPkcs12(path, password), Path.GetFullPath(path), deleteFileOnDispose: false);

    static X509Certificate2 ReadPkcs12(string path, string? password)
    {
        if (!File.Exists(path))
            throw new ClusterCertificateException($"{path}: no such cluster certificate file (create one with `orchestrator cluster-cert --output {path}`)");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException e)
        {
            var hint = password is null ? "it needs a password, or is not a PKCS#12 (.pfx) file" : "wrong password, or not a PKCS#12 (.pfx) file";
            throw new ClusterCertificateException($"{path}: cannot read the cluster certificate ({hint}): {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterCertificateException($"{path}: cannot read the cluster certificate: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ClusterCertificateException($"{path}: the cluster certificate has no private key; a node must hold the key to prove it is one of ours");
        }
        return certificate;
    }

    /// <summary>
    /// Writes the certificate and its private key as PKCS#12 (.pfx, AES-256 encrypted when a password is given),
    /// readable by its owner only (Unix mode 0600). Atomic: written to a temporary name beside <paramref name="path"/>,
    /// then renamed, so a reader never sees half a file.
    /// </summary>
    /// <exception cref="ClusterCertificateException"><paramref name="path"/> exists and <paramref name="overwrite"/> is false, or the write failed.</exception>
    public void Save(string path, string? password = null, bool overwrite = false)
    {
        var fullPath = Path.GetFullPath(path);
        if (!overwrite && File.Exists(fullPath))
            throw new ClusterCertificateException($"{path}: already exists; not overwriting a cluster certificate (nodes may still pin it)");
        var directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
            throw new ClusterCertificateException($"{path}: the folder {directory} does not exist");
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var bytes = ExportPkcs12(Certificate, password);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = !overwrite && File.Exists(fullPath) ? "already exists; not overwriting a cluster certificate" : $"cannot write the cluster certificate: {e.Message}";
            throw new ClusterCertificateException($"{path}: {reason}", e);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>
    /// Throws unless this certificate can be used now: it holds its private key and today is within its validity
    /// (peers refuse an expired certificate, so a node with one could never connect).
    /// </summary>
    public void EnsureUsable()
    {
        var source = FilePath ?? "cluster certificate";
        if (!Certificate.HasPrivateKey)
            throw new ClusterCertificateException($"{source}: the cluster certificate has no private key");
        var now = DateTimeOffset.UtcNow;
        if (now < NotBefore)
            throw new ClusterCertificateException($"{source}: the cluster certificate is not valid before {NotBefore:u} (this machine's clock says {now:u})");
        if (now > NotAfter)
            throw new ClusterCertificateException($"{source}: the cluster certificate expired on {NotAfter:u}; create a new one with `orchestrator cluster-cert` and replace it on every node");
    }

    public void Dispose()
    {
        Certificate.Dispose();
        if (_deleteFileOnDispose && FilePath is not null && File.Exists(FilePath))
            File.Delete(FilePath);
    }

    static byte[] ExportPkcs12(X509Certificate2 certificate, string? password) =>
        password is null
            ? certificate.Export(X509ContentType.Pkcs12)
            : certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
}
