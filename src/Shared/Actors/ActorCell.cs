using System.Collections.Concurrent;
using System.Threading.Channels;
using Serilog;

namespace Orchestrator.Shared.Actors;

/// <summary>
/// The runtime side of one actor: its mailbox, its current instance, its children and watchers, and the
/// loop that feeds messages to the instance one at a time. The loop runs as a thread-pool task that is
/// parked (not holding a thread) while the mailbox is empty or the actor awaits.
/// </summary>
internal sealed class ActorCell : IActorContext
{
    private readonly Channel<Envelope> _mailbox =
        Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly ConcurrentDictionary<string, ActorCell> _children = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly HashSet<IActorRef> _watchers = new();     // guarded by _gate
    private readonly HashSet<IActorRef> _watching = new();     // own loop only
    private readonly List<DateTimeOffset> _restarts = new();    // own loop only
    private readonly CancellationTokenSource _stopRequested = new();
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _childrenClosed;                               // guarded by _gate
    private bool _isTerminated;                                 // guarded by _gate
    private string? _stopReason;                                // guarded by _gate
    private volatile TaskCompletionSource<bool>? _escalation;
    private volatile Actor? _actor;
    private volatile SupervisorStrategy _strategy = SupervisorStrategy.Default;
    private Exception? _createFailure;
    private IActorRef? _currentSender;

    internal ActorCell(ActorSystem system, ActorCell? parent, Props props, string name)
    {
        System = system;
        ParentCell = parent;
        Props = props;
        Name = name;
        Path = parent is null ? "/" + name : parent.Path + "/" + name;
        SelfRef = new LocalActorRef(this);
        Log = system.Log.ForContext("ActorPath", Path);
    }

    internal ActorCell? ParentCell { get; }
    internal Props Props { get; }
    internal string Name { get; }
    internal string Path { get; }
    internal LocalActorRef SelfRef { get; }
    internal Task Terminated => _terminated.Task;
    internal bool IsGuardian => ParentCell is null;

    public ActorSystem System { get; }
    public ILogger Log { get; }
    public IActorRef Self => SelfRef;
    public IActorRef Sender => _currentSender ?? System.DeadLetters;
    public IActorRef Parent => ParentCell?.SelfRef ?? SelfRef;
    public IReadOnlyCollection<IActorRef> Children => _children.Values.Select(c => (IActorRef)c.SelfRef).ToList();

    /// <summary>How this actor supervises its children; kept from the latest instance, so it is valid
    /// from spawn on and while the actor itself is restarting.</summary>
    internal SupervisorStrategy Strategy => _strategy;

    /// <summary>Creates the first instance on the caller's thread (so the parent's strategy is known before any
    /// child can fail), then runs the loop on the thread pool.</summary>
    internal void Start()
    {
        try
        {
            _actor = Create();
        }
        catch (Exception ex)
        {
            _createFailure = ex;
        }
        _ = Task.Run(RunAsync);
    }

    internal void Enqueue(Envelope envelope)
    {
        if (!_mailbox.Writer.TryWrite(envelope)) DeadLetter(envelope);
    }

    internal ActorCell? FindChild(string name) => _children.TryGetValue(name, out var c) ? c : null;

    // ---- IActorContext ----

    public IActorRef Spawn(Props props, string name)
    {
        ArgumentNullException.ThrowIfNull(props);
        ActorSystem.ValidateName(name);
        var child = new ActorCell(System, this, props, name);
        lock (_gate)
        {
            if (_childrenClosed)
                throw new InvalidOperationException($"Cannot spawn '{name}': actor {Path} is stopping.");
            if (!_children.TryAdd(name, child))
                throw new InvalidActorNameException($"Actor name '{name}' is already taken under {Path}.");
        }
        child.Start();
        return child.SelfRef;
    }

    public IActorRef? Child(string name) => FindChild(name)?.SelfRef;

    public void Watch(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Equals(SelfRef) || !_watching.Add(actor)) return;
        switch (actor)
        {
            case LocalActorRef local:
                local.Cell.AddWatcher(SelfRef);
                break;
            case PathActorRef byPath when byPath.Node == System.Node:
                if (System.FindCell(byPath.Path) is { } cell) cell.AddWatcher(SelfRef);
                else SelfRef.Tell(new DeathWatchNotification(actor, "no such actor"));
                break;
            case PathActorRef remote:
                System.WatchRemote(this, remote);
                break;
            default:
                SelfRef.Tell(new DeathWatchNotification(actor, "not a watchable actor"));
                break;
        }
    }

    public void Unwatch(IActorRef actor)
    {
        if (!_watching.Remove(actor)) return;
        switch (actor)
        {
            case LocalActorRef local: local.Cell.RemoveWatcher(SelfRef); break;
            case PathActorRef byPath when byPath.Node == System.Node: System.FindCell(byPath.Path)?.RemoveWatcher(SelfRef); break;
            case PathActorRef remote: System.UnwatchRemote(this, remote); break;
        }
    }

    public void Stop(IActorRef actor)
    {
        if (actor.Equals(SelfRef)) RequestStop(null);
        else System.Stop(actor);
    }

    public async Task StopChildrenAsync()
    {
        var children = _children.Values.ToList();
        foreach (var child in children) child.RequestStop(null);
        await Task.WhenAll(children.Select(c => c.Terminated)).ConfigureAwait(false);
    }

    // ---- watchers (any thread) ----

    /// <summary>Adds a watcher, or tells it Terminated at once when this actor is already gone.</summary>
    internal void AddWatcher(IActorRef watcher)
    {
        string? reason;
        lock (_gate)
        {
            if (!_isTerminated)
            {
                _watchers.Add(watcher);
                return;
            }
            reason = _stopReason;
        }
        watcher.Tell(new DeathWatchNotification(SelfRef, reason));
    }

    internal void RemoveWatcher(IActorRef watcher)
    {
        lock (_gate) _watchers.Remove(watcher);
    }

    /// <summary>Stops after the current message. The first non-null reason is kept for Terminated.</summary>
    internal void RequestStop(string? reason)
    {
        lock (_gate) _stopReason ??= reason;
        try { _stopRequested.Cancel(); } catch (ObjectDisposedException) { }
        _escalation?.TrySetResult(false);
    }

    // ---- the loop (own task) ----

    private async Task RunAsync()
    {
        try
        {
            if (await StartInstanceAsync().ConfigureAwait(false))
                await ProcessMailboxAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.Error(ex, "Actor {ActorPath} loop failed unexpectedly", Path);
            lock (_gate) _stopReason ??= ex.Message;
        }
        finally
        {
            await FinishStopAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> StartInstanceAsync()
    {
        try
        {
            if (_createFailure is { } failure)
            {
                _createFailure = null;
                global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
            await _actor!.PreStart().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            return await HandleFailureAsync(ex, null).ConfigureAwait(false);
        }
    }

    private Actor Create()
    {
        var previous = Actor.Constructing;
        Actor.Constructing = this;
        try
        {
            var actor = Props.Factory();
            actor.Bind(this);
            _strategy = actor.SupervisorStrategy;
            return actor;
        }
        finally
        {
            Actor.Constructing = previous;
        }
    }

    private async Task ProcessMailboxAsync()
    {
        var reader = _mailbox.Reader;
        while (!_stopRequested.IsCancellationRequested)
        {
            if (!reader.TryRead(out var envelope))
            {
                try
                {
                    if (!await reader.WaitToReadAsync(_stopRequested.Token).ConfigureAwait(false)) return;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            if (!await ProcessAsync(envelope).ConfigureAwait(false)) return;
        }
    }

    /// <summary>Handles one message; false when the actor must stop.</summary>
    private async Task<bool> ProcessAsync(Envelope envelope)
    {
        switch (envelope.Message)
        {
            case ChildFailed failed:
                return await HandleChildFailedAsync(failed).ConfigureAwait(false);
            case PoisonPill:
                RequestStop(null);
                return false;
            case DeathWatchNotification notice:
                // Delivered only while still watched: not after Unwatch, never twice.
                if (!_watching.Remove(notice.Actor)) return true;
                envelope = new Envelope(new Actors.Terminated(notice.Actor, notice.Reason), envelope.Sender);
                break;
        }

        _currentSender = envelope.Sender;
        try
        {
            await _actor!.OnReceive(envelope.Message).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            return await HandleFailureAsync(ex, envelope.Message).ConfigureAwait(false);
        }
        finally
        {
            _currentSender = null;
        }
    }

    /// <summary>Applies the parent's strategy to this actor's failure; false when the actor must stop.</summary>
    private async Task<bool> HandleFailureAsync(Exception exception, object? message)
    {
        var failure = $"{exception.GetType().Name}: {exception.Message}";
        if (ParentCell is null)
        {
            Log.Error(exception, "Guardian {ActorPath} failed; stopping", Path);
            RequestStop(failure);
            return false;
        }

        var strategy = ParentCell.Strategy;
        var directive = strategy.Decide(exception);
        Log.Warning(exception, "Actor {ActorPath} failed on {MessageType}; directive {Directive}",
            Path, message?.GetType().Name ?? "start", directive);
        switch (directive)
        {
            case Directive.Resume when _actor is not null:
                return true;
            case Directive.Resume:
            case Directive.Restart:
                if (!strategy.PermitRestart(_restarts, System.Time.GetUtcNow()))
                {
                    RequestStop($"restart limit exceeded ({strategy.Describe()}); last failure {failure}");
                    return false;
                }
                return await RestartAsync(exception, message).ConfigureAwait(false);
            case Directive.Escalate:
                var escalation = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _escalation = escalation;
                if (_stopRequested.IsCancellationRequested) escalation.TrySetResult(false);
                ParentCell.Enqueue(new Envelope(new ChildFailed(this, exception, escalation), SelfRef));
                var resume = await escalation.Task.ConfigureAwait(false);
                _escalation = null;
                return resume && _actor is not null && !_stopRequested.IsCancellationRequested;
            default:
                RequestStop(failure);
                return false;
        }
    }

    private async Task<bool> RestartAsync(Exception exception, object? message)
    {
        var failed = _actor;
        _actor = null;
        if (failed is not null)
        {
            try
            {
                await failed.PreRestart(exception, message).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.Error(ex, "PreRestart of {ActorPath} failed", Path);
            }
        }
        try
        {
            _actor = Create();
            await _actor.PostRestart(exception).ConfigureAwait(false);
            Log.Information("Actor {ActorPath} restarted", Path);
            return true;
        }
        catch (Exception ex)
        {
            return await HandleFailureAsync(ex, null).ConfigureAwait(false);
        }
    }

    /// <summary>A child escalated: fail as if this actor threw the child's exception.</summary>
    private async Task<bool> HandleChildFailedAsync(ChildFailed failed)
    {
        if (FindChild(failed.Child.Name) != failed.Child)
        {
            failed.Resolution.TrySetResult(false);
            return true;
        }
        if (IsGuardian)
        {
            // Nobody above the guardian: a top-level actor that escalates is stopped.
            failed.Child.RequestStop($"escalated to the guardian: {failed.Exception.GetType().Name}: {failed.Exception.Message}");
            failed.Resolution.TrySetResult(false);
            return true;
        }
        var goOn = await HandleFailureAsync(failed.Exception, null).ConfigureAwait(false);
        failed.Resolution.TrySetResult(goOn);
        return goOn;
    }

    private async Task FinishStopAsync()
    {
        List<ActorCell> children;
        lock (_gate)
        {
            _childrenClosed = true;
            children = _children.Values.ToList();
        }
        foreach (var child in children) child.RequestStop(null);
        await Task.WhenAll(children.Select(c => c.Terminated)).ConfigureAwait(false);

        var actor = _actor;
        _actor = null;
        if (actor is not null)
        {
            try
            {
                await actor.PostStop().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.Error(ex, "PostStop of {ActorPath} failed", Path);
            }
        }

        List<IActorRef> watchers;
        string? reason;
        lock (_gate)
        {
            _isTerminated = true;
            reason = _stopReason;
            watchers = _watchers.ToList();
            _watchers.Clear();
        }
        _mailbox.Writer.TryComplete();
        while (_mailbox.Reader.TryRead(out var left)) DeadLetter(left);

        foreach (var watched in _watching)
        {
            if (watched is LocalActorRef local) local.Cell.RemoveWatcher(SelfRef);
        }
        System.ForgetRemoteWatches(this);
        ParentCell?._children.TryRemove(new KeyValuePair<string, ActorCell>(Name, this));

        Log.Debug("Actor {ActorPath} stopped ({Reason})", Path, reason ?? "normal");
        foreach (var watcher in watchers) watcher.Tell(new DeathWatchNotification(SelfRef, reason));
        _terminated.TrySetResult();
    }

    private void DeadLetter(Envelope envelope)
    {
        if (envelope.Message is ChildFailed failed) failed.Resolution.TrySetResult(false);
        else System.PublishDeadLetter(envelope.Message, envelope.Sender, Path);
    }
}
