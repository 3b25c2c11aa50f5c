using Akka.Actor;
using Akka.Cluster;
using Akka.Remote.Hosting;
using Orchestrator.Shared.Cluster;

namespace Orchestrator.Shared.Tests.Cluster;

/// <summary>
/// Real ActorSystems on loopback: only nodes holding the cluster certificate join. The outsiders are refused during
/// the TLS handshake; each test waits for the refusal itself (a log line on the refusing node), then watches a while
/// longer, and asserts on both sides' membership.
/// </summary>
public sealed class ClusterTlsTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(20);
    static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(15);
    // An outsider that got in would be a member within milliseconds of its handshake; watch well beyond that.
    static readonly TimeSpan WatchAfterRefusal = TimeSpan.FromSeconds(2);

    readonly ClusterCertificate _cluster = ClusterCertificate.Create();
    readonly ClusterCertificate _impostor = ClusterCertificate.Create();

    public void Dispose()
    {
        _cluster.Dispose();
        _impostor.Dispose();
    }

    [Fact]
    public async Task TwoNodesWithTheClusterCertificateFormAClusterAndExchangeAMessage()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var coordinator = await StartCoordinatorAsync();
        output.WriteLine($"coordinator up after {clock.ElapsedMilliseconds} ms");
        coordinator.System.ActorOf(Props.Create(() => new Echo()), "echo");
        var worker = TlsTestNode.Start(remote => remote.UseClusterTls(_cluster));
        try
        {
            await JoinAndExchangeAsync(coordinator, worker);
            output.WriteLine($"worker joined and answered after {clock.ElapsedMilliseconds} ms");
        }
        finally
        {
            await worker.DisposeAsync();
            await coordinator.DisposeAsync();
            output.WriteLine($"both stopped after {clock.ElapsedMilliseconds} ms");
        }
    }

    static async Task JoinAndExchangeAsync(TlsTestNode coordinator, TlsTestNode worker)
    {
        await worker.Cluster.JoinAsync(coordinator.Address, new CancellationTokenSource(JoinTimeout).Token);

        Assert.Equal(ClusterTls.Protocol, coordinator.Address.Protocol);
        Assert.True(await Eventually(() => coordinator.Cluster.State.Members.Any(m => m.Address == worker.Address && m.Status == MemberStatus.Up), JoinTimeout));
        var echo = worker.System.ActorSelection(new RootActorPath(coordinator.Address) / "user" / "echo");
        Assert.Equal("ping over TLS", await echo.Ask<string>("ping over TLS", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ANodeWithAnotherCertificateIsRefusedAndNeverBecomesAMember()
    {
        await using var coordinator = await StartCoordinatorAsync();
        // The worst case: the impostor knows the cluster's thumbprint (it is no secret) and would accept the cluster's
        // certificate, but holds only a self-signed certificate of its own. The coordinator's pin must refuse it.
        await using var impostor = TlsTestNode.Start(remote => Impersonate(remote, trusting: _cluster));

        impostor.Cluster.Join(coordinator.Address);

        Assert.True(await Eventually(() => coordinator.RefusedCertificate(_impostor.Thumbprint), RefusalTimeout),
            "the coordinator never refused the impostor's certificate");
        await Task.Delay(WatchAfterRefusal);
        AssertNeverMembers(coordinator, impostor);

        // Refusing an outsider leaves the coordinator up and open to the nodes of its cluster.
        await using var worker = TlsTestNode.Start(remote => remote.UseClusterTls(_cluster));
        await worker.Cluster.JoinAsync(coordinator.Address, new CancellationTokenSource(JoinTimeout).Token);
        Assert.Equal([worker.Address], coordinator.OtherMembersSeen());
    }

    [Fact]
    public async Task ANodeRefusesToJoinASeedWithAnotherCertificate()
    {
        // A worker pointed at a fake coordinator (which would accept the worker) refuses it: the pin holds on the
        // connecting side too.
        await using var fakeCoordinator = TlsTestNode.Start(remote => Impersonate(remote, trusting: _cluster));
        await fakeCoordinator.FormClusterAsync(JoinTimeout);
        await using var worker = TlsTestNode.Start(remote => remote.UseClusterTls(_cluster));

        worker.Cluster.Join(fakeCoordinator.Address);

        Assert.True(await Eventually(() => worker.RefusedCertificate(_impostor.Thumbprint), RefusalTimeout),
            "the worker never refused the fake coordinator's certificate");
        await Task.Delay(WatchAfterRefusal);
        AssertNeverMembers(fakeCoordinator, worker);
    }

    [Fact]
    public async Task APlaintextNodeIsRefusedAndNeverBecomesAMember()
    {
        await using var coordinator = await StartCoordinatorAsync();
        await using var plaintext = TlsTestNode.Start(security: null);

        // Plain Akka.Remote speaks akka.tcp: it reaches the coordinator's port with an unencrypted handshake.
        plaintext.Cluster.Join(new Address("akka.tcp", TlsTestNode.SystemName, coordinator.Address.Host, coordinator.Address.Port));

        Assert.True(await Eventually(() => coordinator.Logs.Any(l => l.Message.ToString()!.Contains("TLS handshake")), RefusalTimeout),
            "the coordinator never refused the plaintext connection");
        await Task.Delay(WatchAfterRefusal);
        AssertNeverMembers(coordinator, plaintext);
        Assert.False(coordinator.System.WhenTerminated.IsCompleted);
        Assert.Equal(MemberStatus.Up, coordinator.Cluster.SelfMember.Status);
    }

    async Task<TlsTestNode> StartCoordinatorAsync()
    {
        var coordinator = TlsTestNode.Start(remote => remote.UseClusterTls(_cluster));
        await coordinator.FormClusterAsync(JoinTimeout);
        return coordinator;
    }

    /// <summary>TLS with the impostor's own certificate, accepting peers that present <paramref name="trusting"/>.</summary>
    void Impersonate(RemoteOptions remote, ClusterCertificate trusting)
    {
        remote.EnableSsl = true;
        remote.Ssl = new SslOptions
        {
            X509Certificate = _impostor.Certificate,
            RequireMutualAuthentication = true,
            CustomValidator = ClusterTls.PinnedTo(trusting.Thumbprint),
        };
    }

    /// <summary>The member never saw the outsider, not even as joining, and the outsider never became a member of anything.</summary>
    static void AssertNeverMembers(TlsTestNode member, TlsTestNode outsider)
    {
        Assert.DoesNotContain(outsider.Address, member.OtherMembersSeen());
        Assert.DoesNotContain(member.Cluster.State.Members, m => m.Address == outsider.Address);
        Assert.DoesNotContain(member.Cluster.State.Unreachable, m => m.Address == outsider.Address);
        Assert.Empty(outsider.MemberEvents);
        Assert.Empty(outsider.Cluster.State.Members);
        Assert.NotEqual(MemberStatus.Up, outsider.Cluster.SelfMember.Status);
        Assert.NotEqual(MemberStatus.Joining, outsider.Cluster.SelfMember.Status);
    }

    static async Task<bool> Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<string>(text => Sender.Tell(text));
    }
}
