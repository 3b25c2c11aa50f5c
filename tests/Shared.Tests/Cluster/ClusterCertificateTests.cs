using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.Shared.Cluster;

namespace Orchestrator.Shared.Tests.Cluster;

public sealed class ClusterCertificateTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("cluster-cert-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ACreatedCertificateIsSelfSignedForTlsServerAndClientWithItsKey()
    {
        using var certificate = ClusterCertificate.Create(TimeSpan.FromDays(30));

        var x509 = certificate.Certificate;
        Assert.True(x509.HasPrivateKey);
        Assert.Equal(x509.Subject, x509.Issuer);
        Assert.NotNull(x509.GetECDsaPrivateKey());
        var usages = x509.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages.Order());
        Assert.True(x509.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature));
        Assert.False(x509.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.InRange(certificate.NotAfter - DateTimeOffset.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
        Assert.True(certificate.NotBefore < DateTimeOffset.UtcNow);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(x509.RawData)), certificate.Thumbprint);
    }

    [Fact]
    public void EveryCertificateIsNew()
    {
        using var first = ClusterCertificate.Create();
        using var second = ClusterCertificate.Create();
        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
    }

    [Fact]
    public void ASavedCertificateLoadsWithTheSameThumbprintAndKeyAndOnlyItsOwnerCanReadIt()
    {
        var path = Path.Combine(_folder, "cluster.pfx");
        using var created = ClusterCertificate.Create();

        created.Save(path, "s3cret");
        using var loaded = ClusterCertificate.Load(path, "s3cret");

        Assert.Equal(created.Thumbprint, loaded.Thumbprint);
        Assert.Equal(Path.GetFullPath(path), loaded.FilePath);
        var data = "signed by the cluster"u8.ToArray();
        Assert.True(created.Certificate.GetECDsaPublicKey()!.VerifyData(
            data, loaded.Certificate.GetECDsaPrivateKey()!.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        Assert.Equal(["cluster.pfx"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void SaveRefusesToReplaceAnExistingFileUnlessAskedAndThenReplacesIt()
    {
        var path = Path.Combine(_folder, "cluster.pfx");
        using var first = ClusterCertificate.Create();
        using var second = ClusterCertificate.Create();
        first.Save(path);
        var before = File.ReadAllBytes(path);

        var refused = Assert.Throws<ClusterCertificateException>(() => second.Save(path));
        Assert.Contains(path, refused.Message);
        Assert.Contains("already exists", refused.Message);
        Assert.Equal(before, File.ReadAllBytes(path));

        second.Save(path, overwrite: true);
        using var loaded = ClusterCertificate.Load(path);
        Assert.Equal(second.Thumbprint, loaded.Thumbprint);
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void LoadNamesTheFileAndTheProblem()
    {
        var missing = Path.Combine(_folder, "missing.pfx");
        Assert.Contains($"{missing}: no such cluster certificate file", Assert.Throws<ClusterCertificateException>(() => ClusterCertificate.Load(missing)).Message);

        var path = Path.Combine(_folder, "cluster.pfx");
        using (var created = ClusterCertificate.Create())
            created.Save(path, "right");
        var wrong = Assert.Throws<ClusterCertificateException>(() => ClusterCertificate.Load(path, "wrong"));
        Assert.StartsWith($"{path}: cannot read the cluster certificate (wrong password", wrong.Message);

        var notPfx = Path.Combine(_folder, "notes.pfx");
        File.WriteAllText(notPfx, "not a certificate");
        Assert.StartsWith($"{notPfx}: cannot read", Assert.Throws<ClusterCertificateException>(() => ClusterCertificate.Load(notPfx)).Message);

        var publicOnly = Path.Combine(_folder, "public.pfx");
        using (var created = ClusterCertificate.Create())
        using (var withoutKey = X509CertificateLoader.LoadCertificate(created.Certificate.RawData))
            File.WriteAllBytes(publicOnly, withoutKey.Export(X509ContentType.Pkcs12));
        Assert.Contains("no private key", Assert.Throws<ClusterCertificateException>(() => ClusterCertificate.Load(publicOnly)).Message);
    }

    [Fact]
    public void AnEphemeralCertificateLivesInAnOwnerOnlyFileThatDisposeDeletes()
    {
        string path;
        using (var ephemeral = ClusterCertificate.CreateEphemeral(Path.Combine(_folder, "launch")))
        {
            path = ephemeral.FilePath!;
            Assert.Equal(Path.Combine(_folder, "launch"), Path.GetDirectoryName(path));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            // A worker process loads the same file the launcher created, and pins the same thumbprint.
            using var inWorker = ClusterCertificate.Load(path);
            Assert.Equal(ephemeral.Thumbprint, inWorker.Thumbprint);
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void FromEnvironmentLoadsTheFileTheVariableNamesWithItsPassword()
    {
        var path = Path.Combine(_folder, "cluster.pfx");
        using var created = ClusterCertificate.Create();
        created.Save(path, "pw");
        var variables = new Dictionary<string, string?> { [ClusterCertificate.PathVariable] = path, [ClusterCertificate.PasswordVariable] = "pw" };

        using var loaded = ClusterCertificate.FromEnvironment(name => variables.GetValueOrDefault(name));

        Assert.Equal(created.Thumbprint, loaded!.Thumbprint);
        Assert.Null(ClusterCertificate.FromEnvironment(_ => null));
        variables.Remove(ClusterCertificate.PasswordVariable);
        var error = Assert.Throws<ClusterCertificateException>(() => ClusterCertificate.FromEnvironment(name => variables.GetValueOrDefault(name)));
        Assert.StartsWith($"{path}: cannot read", error.Message);
        Assert.EndsWith($"(from {ClusterCertificate.PathVariable})", error.Message);
    }

    [Fact]
    public void AnExpiredCertificateIsNotUsable()
    {
        using var certificate = ClusterCertificate.Create(TimeSpan.FromDays(1));
        certificate.EnsureUsable();

        using var expired = ExpiredCopy();
        var error = Assert.Throws<ClusterCertificateException>(() => expired.EnsureUsable());
        Assert.Contains("expired", error.Message);
    }

    // A certificate whose validity ended yesterday, saved and loaded as a cluster certificate.
    ClusterCertificate ExpiredCopy()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(ClusterCertificate.DefaultSubject, key, HashAlgorithmName.SHA256);
        using var x509 = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        var path = Path.Combine(_folder, "expired.pfx");
        File.WriteAllBytes(path, x509.Export(X509ContentType.Pkcs12));
        return ClusterCertificate.Load(path);
    }
}
