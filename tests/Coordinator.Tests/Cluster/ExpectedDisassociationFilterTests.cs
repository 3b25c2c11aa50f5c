using Akka.Actor;
using Akka.Event;
using Orchestrator.Coordinator.Cluster;

namespace Orchestrator.Coordinator.Tests.Cluster;

/// <summary>
/// The two events Akka.Remote logs when a peer's connection ends without its Disassociate frame (the
/// "Association with remote system ... has failed" warning and the "Disassociated" error), as a coordinator logged
/// them at the end of a default run: dropped when the peer left on purpose or this node is leaving, kept otherwise.
/// </summary>
public sealed class ExpectedDisassociationFilterTests
{
    private static readonly Address Worker = Address.Parse("akka.ssl.tcp://orchestrator@127.0.0.1:44659");
    private static readonly Address OtherWorker = Address.Parse("akka.ssl.tcp://orchestrator@127.0.0.1:4465");
    private static readonly Address Coordinator = Address.Parse("akka.ssl.tcp://orchestrator@127.0.0.1:41837");

    private static string SupervisorPath(Address peer) =>
        $"{Coordinator}/system/endpointManager/reliableEndpointWriter-{Uri.EscapeDataString(peer.ToString())}-1";

    /// <summary>Akka.Remote's exception type is internal: made the way Akka makes it, by its public constructor.</summary>
    private static Exception Disassociated() =>
        (Exception)Activator.CreateInstance(typeof(Akka.Remote.RemoteSettings).Assembly.GetType("Akka.Remote.EndpointDisassociatedException", throwOnError: true)!,
            "Disassociated")!;

    /// <summary>The supervisor's warning: the exception is the template's third argument.</summary>
    private static Warning GatedWarning(Address peer) =>
        new(SupervisorPath(peer), typeof(ExpectedDisassociationFilterTests),
            new Arguments("Association with remote system {0} has failed; address is now gated for {1} ms. Reason is: [{2}]", peer, 5000.0, Disassociated()));

    /// <summary>The supervisor strategy's error: the exception is its cause, the source the endpoint writer below the supervisor.</summary>
    private static Error StrategyError(Address peer) =>
        new(Disassociated(), $"akka://orchestrator/system/endpointManager/reliableEndpointWriter-{Uri.EscapeDataString(peer.ToString())}-1/endpointWriter",
            typeof(OneForOneStrategy), "Disassociated");

    private sealed class Arguments(string format, params object[] values) : LogMessage(DefaultLogMessageFormatter.Instance, format)
    {
        public override string Unformatted() => Format;

        public override IEnumerable<object> Parameters() => values;
    }

    private static (ExpectedDisassociationFilter Filter, PlannedDepartures Departures) Filter()
    {
        var departures = new PlannedDepartures { Self = Coordinator };
        return (new ExpectedDisassociationFilter(departures), departures);
    }

    [Fact]
    public void A_peer_that_left_on_purpose_loses_its_connection_without_a_warning_or_an_error()
    {
        var (filter, departures) = Filter();
        departures.Add(Worker);
        Assert.Equal(LogFilterDecision.Drop, filter.ShouldKeepMessage(GatedWarning(Worker)));
        Assert.Equal(LogFilterDecision.Drop, filter.ShouldKeepMessage(StrategyError(Worker)));
    }

    [Fact]
    public void A_peer_that_did_not_leave_killed_or_cut_off_is_still_logged()
    {
        var (filter, departures) = Filter();
        // Another member left; the one with a port that is a prefix of it did not (addresses are compared whole).
        departures.Add(Worker);
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(GatedWarning(OtherWorker)));
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(StrategyError(OtherWorker)));
    }

    [Fact]
    public void Once_this_node_is_leaving_every_connection_may_end_quietly_but_other_errors_are_kept()
    {
        var (filter, departures) = Filter();
        departures.Add(Coordinator);
        Assert.Equal(LogFilterDecision.Drop, filter.ShouldKeepMessage(GatedWarning(OtherWorker)));
        Assert.Equal(LogFilterDecision.Drop, filter.ShouldKeepMessage(StrategyError(OtherWorker)));
        // Other errors of the same endpoint, or any other source, are not disassociations.
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(
            new Error(new InvalidOperationException("serialization failed"), SupervisorPath(OtherWorker), typeof(OneForOneStrategy), "serialization failed")));
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(new Error(Disassociated(), "akka://orchestrator/user/coordinator", typeof(object), "Disassociated")));
    }

    [Fact]
    public void The_transport_and_remoting_shutdown_warnings_are_dropped_only_while_this_node_is_leaving()
    {
        var (filter, departures) = Filter();
        // "Unable to REMOVE channel ... May not shut down cleanly": logged by the TCP handler while the transport closes.
        var transportClass = typeof(Akka.Remote.RemoteSettings).Assembly.GetType("Akka.Remote.Transport.DotNetty.TcpClientHandler", throwOnError: true)!;
        var channelWarning = new Warning("TcpClientHandler (akka://orchestrator)", transportClass, "Unable to REMOVE channel");
        // "Shutdown finished, but flushing might not have been successful ...": remoting's report of its own shutdown.
        var flushWarning = new Warning("remoting (akka://orchestrator)", typeof(DummyClassForStringSources), "Shutdown finished, but flushing might not have been successful");
        var remotingError = new Error(new InvalidOperationException("transport failed"), "remoting (akka://orchestrator)", typeof(DummyClassForStringSources), "Remoting shut down with error");
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(channelWarning));
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(flushWarning));
        departures.Add(Coordinator);
        Assert.Equal(LogFilterDecision.Drop, filter.ShouldKeepMessage(channelWarning));
        Assert.Equal(LogFilterDecision.Drop, filter.ShouldKeepMessage(flushWarning));
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(remotingError));
    }

    [Theory]
    [InlineData("akka.ssl.tcp://orchestrator@127.0.0.1:41837/system/endpointManager/reliableEndpointWriter-akka.ssl.tcp%3A%2F%2Forchestrator%40127.0.0.1%3A44659-1", "akka.ssl.tcp://orchestrator@127.0.0.1:44659")]
    [InlineData("akka://orchestrator/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Forchestrator%40worker-0.pods%3A4053-12/endpointWriter", "akka.tcp://orchestrator@worker-0.pods:4053")]
    [InlineData("akka://orchestrator/system/endpointManager/endpointWriter-akka.tcp%3A%2F%2Forchestrator%4010.0.0.7%3A4053-3", "akka.tcp://orchestrator@10.0.0.7:4053")]
    [InlineData("akka://orchestrator/user/coordinator", null)]
    [InlineData(null, null)]
    public void The_peer_is_read_from_the_endpoint_actors_path(string? logSource, string? peer) =>
        Assert.Equal(peer, ExpectedDisassociationFilter.PeerOf(logSource)?.ToString());
}
