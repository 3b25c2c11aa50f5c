namespace Orchestrator.Shared.Actors;

/// <summary>What a parent does with a child that threw.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; go on with the next message.</summary>
    Resume,

    /// <summary>Replace the instance with a fresh one from the props factory; the mailbox is kept.</summary>
    Restart,

    /// <summary>Stop the child; watchers get <see cref="Terminated"/> with the failure as reason.</summary>
    Stop,

    /// <summary>Fail the parent with the same exception, to be decided by the grandparent.</summary>
    Escalate,
}

/// <summary>
/// One-for-one supervision (Akka's OneForOneStrategy): the directive applies to the failing child only.
/// A child may be restarted at most <see cref="MaxNrOfRetries"/> times within a sliding
/// <see cref="WithinTimeRange"/>; one more failure stops it. A negative maximum means no limit and
/// <see cref="Timeout.InfiniteTimeSpan"/> (or zero) means no window.
/// </summary>
public sealed class SupervisorStrategy
{
    private readonly Func<Exception, Directive> _decider;

    public SupervisorStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
    {
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        _decider = decider ?? throw new ArgumentNullException(nameof(decider));
    }

    public int MaxNrOfRetries { get; }
    public TimeSpan WithinTimeRange { get; }

    /// <summary>Restart on any exception, at most 10 times a minute (unlike Akka's unlimited default).</summary>
    public static SupervisorStrategy Default { get; } = new(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    /// <summary>Stop a child on its first failure.</summary>
    public static SupervisorStrategy Stopping { get; } = new(0, Timeout.InfiniteTimeSpan, _ => Directive.Stop);

    public Directive Decide(Exception exception) => _decider(exception);

    /// <summary>Records a restart in <paramref name="history"/> and says whether it is within the limit.</summary>
    internal bool PermitRestart(List<DateTimeOffset> history, DateTimeOffset now)
    {
        if (MaxNrOfRetries < 0) return true;
        if (MaxNrOfRetries == 0) return false;
        if (WithinTimeRange > TimeSpan.Zero && WithinTimeRange != Timeout.InfiniteTimeSpan)
            history.RemoveAll(t => now - t > WithinTimeRange);
        history.Add(now);
        return history.Count <= MaxNrOfRetries;
    }

    internal string Describe() =>
        WithinTimeRange > TimeSpan.Zero && WithinTimeRange != Timeout.InfiniteTimeSpan
            ? $"{MaxNrOfRetries} restarts within {WithinTimeRange}"
            : $"{MaxNrOfRetries} restarts";
}
