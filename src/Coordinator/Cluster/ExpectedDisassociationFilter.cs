using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>
/// Akka's log filter (akka.NET's <see cref="LogFilterBase"/>, installed with <c>WithLogFilter</c>) that drops the
/// warning and error Akka.Remote logs when a connection ends, but only when that end was planned: the peer left the
/// cluster gracefully (<see cref="PlannedDepartures"/>), or this node itself is leaving; and, while this node is leaving,
/// the warnings of its own transport and remoting as they close.
/// </summary>
/// <remarks>
/// <para>
/// Why a filter: when a node shuts down, classic Akka.Remote sends its peers a Disassociate(Shutdown) frame that they
/// log at debug level, but that frame races the transport's own teardown (measured here: about one graceful worker
/// exit in three on a loaded 2-core machine). When the frame is lost, the surviving peer sees an unexplained
/// disconnect and logs "Association with remote system ... has failed" (warning) plus "Disassociated" with an
/// <c>EndpointDisassociatedException</c> stack trace (error) from the endpoint's supervisor. No setting changes those
/// two lines (<c>akka.remote.log-remote-lifecycle-events</c> governs other events), and no cluster leave or
/// shutdown order avoids them: whichever node stays up last observes the race.
/// </para>
/// <para>
/// What still gets through: the same events for a member that did not leave on purpose (killed, cut off: it is
/// downed, never Leaving or Exiting), every other warning and error, and everything while this node is not leaving.
/// The events are recognised by structure (the endpoint actor's name, which carries the peer's address, and the
/// exception's type), not by message text.
/// </para>
/// </remarks>
public sealed partial class ExpectedDisassociationFilter(PlannedDepartures departures) : LogFilterBase
{
    private const string DisassociatedException = "Akka.Remote.EndpointDisassociatedException";

    /// <summary>Namespace of Akka.Remote's TCP channel handlers ("Unable to REMOVE channel ..." while this node's transport shuts down).</summary>
    private const string TransportHandlers = "Akka.Remote.Transport.DotNetty";

    /// <summary>
    /// The log source of Akka.Remote's own lifecycle ("Shutdown finished, but flushing might not have been successful":
    /// an endpoint to a peer that is itself going away did not flush within flush-wait-on-shutdown).
    /// </summary>
    private const string RemotingSource = "remoting";

    /// <summary>An endpoint actor's name: (reliable)endpointWriter-&lt;URL-encoded peer address&gt;-&lt;n&gt;.</summary>
    [GeneratedRegex(@"(?:reliableEndpointWriter|endpointWriter)-([^/]+)-\d+(?:/|$)")]
    private static partial Regex EndpointName();

    /// <summary>Decided on the event's structure alone, so Akka never formats a message just to filter it.</summary>
    public override LogFilterType FilterType => LogFilterType.Source;

    public override LogFilterDecision ShouldKeepMessage(LogEvent content, string? expandedMessage = null)
    {
        if (content.LogLevel() < LogLevel.WarningLevel) return LogFilterDecision.Keep;
        if (IsDisassociation(content) && PeerOf(content.LogSource) is { } peer && (departures.SelfLeaving || departures.Contains(peer)))
            return LogFilterDecision.Drop;
        // This node's own planned shutdown: what its transport and remoting report while they close is expected.
        if (content is Warning && departures.SelfLeaving
            && (content.LogClass?.Namespace == TransportHandlers || content.LogSource?.StartsWith(RemotingSource, StringComparison.Ordinal) == true))
            return LogFilterDecision.Drop;
        return LogFilterDecision.Keep;
    }

    /// <summary>The supervisor's warning carries the exception as a message argument; the strategy's error as its cause.</summary>
    private static bool IsDisassociation(LogEvent content) =>
        content.Cause?.GetType().FullName == DisassociatedException
        || content.Message is LogMessage message && message.Parameters().Any(p => p?.GetType().FullName == DisassociatedException);

    /// <summary>The peer's address from an endpoint actor's path (the log source), or null for any other source.</summary>
    public static Address? PeerOf(string? logSource)
    {
        if (logSource is null || EndpointName().Match(logSource) is not { Success: true } match) return null;
        try
        {
            return Address.Parse(Uri.UnescapeDataString(match.Groups[1].Value));
        }
        catch (Exception error) when (error is UriFormatException or ArgumentException)
        {
            return null;
        }
    }
}
