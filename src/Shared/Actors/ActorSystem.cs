using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Serilog;

namespace Orchestrator.Shared.Actors;

public sealed class ActorSystemOptions
{
    /// <summary>This node's name in actor addresses; unique within a <see cref="LocalNetwork"/> or cluster.</summary>
    public string Node { get; init; } = "local";

    /// <summary>Makes the transport to other nodes; default: a <see cref="LocalTransport"/> on a private network.</summary>
    public Func<string, ITransport>? TransportFactory { get; init; }

    public ILogger? Logger { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Supervises top-level actors. Escalation from a top-level actor stops it.</summary>
    public SupervisorStrategy GuardianStrategy { get; init; } = SupervisorStrategy.Default;
}

/// <summary>
/// Hosts actors: spawns top-level actors under <c>/user</c>, routes messages (locally as objects, to other
/// nodes through an <see cref="ITransport"/> as <see cref="WireEnvelope"/>s), runs Ask, death watch across
/// nodes, and shuts everything down children first.
/// </summary>
public sealed partial class ActorSystem : ITransportListener, IAsyncDisposable
{
    private readonly ActorCell _guardian;
    private readonly ConcurrentDictionary<string, PromiseActorRef> _promises = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(ActorCell Watcher, PathActorRef Watched), byte> _remoteWatches = new();
    private readonly ITransport _transport;
    private long _askCounter;
    private long _deadLetters;
    private int _shutdown;

    public ActorSystem(string name = "orchestrator", ActorSystemOptions? options = null)
    {
        options ??= new ActorSystemOptions();
        Name = name;
        Node = options.Node;
        Time = options.Time;
        Log = (options.Logger ?? Serilog.Log.Logger).ForContext("ActorSystem", name).ForContext("Node", Node);
        DeadLetters = new DeadLettersRef(this);
        Serializer = new MessageSerializer(RefFor);
        var guardianStrategy = options.GuardianStrategy;
        _guardian = new ActorCell(this, null, Props.Create(() => new GuardianActor(guardianStrategy)), "user");
        _guardian.Start();
        _transport = options.TransportFactory?.Invoke(Node) ?? new LocalTransport(new LocalNetwork(), Node);
        _transport.Start(this);
    }

    public string Name { get; }
    public string Node { get; }
    public ILogger Log { get; }
    public TimeProvider Time { get; }

    /// <summary>Message types that may cross nodes; register each message record used remotely.</summary>
    public MessageSerializer Serializer { get; }

    public IActorRef DeadLetters { get; }

    public long DeadLetterCount => Interlocked.Read(ref _deadLetters);

    /// <summary>Raised for every dead letter (on the thread that sent it).</summary>
    public event Action<DeadLetter>? DeadLetterPublished;

    /// <summary>Completes when the system has shut down.</summary>
    public Task WhenTerminated => _guardian.Terminated;

    /// <summary>Creates a top-level actor at <c>/user/&lt;name&gt;</c>.</summary>
    public IActorRef Spawn(Props props, string name)
    {
        if (Volatile.Read(ref _shutdown) != 0)
            throw new InvalidOperationException($"Actor system {Name} is shut down; cannot spawn '{name}'.");
        return _guardian.Spawn(props, name);
    }

    /// <summary>Stops a local actor after its current message; its children stop first.</summary>
    public void Stop(IActorRef actor) => CellOf(actor)?.RequestStop(null);

    /// <summary>Stops a local actor and waits until it (and its children) have terminated.</summary>
    public Task StopAsync(IActorRef actor)
    {
        var cell = CellOf(actor);
        if (cell is null) return Task.CompletedTask;
        cell.RequestStop(null);
        return cell.Terminated;
    }

    /// <summary>A ref for an actor by node and path (local or remote); not checked until used.</summary>
    public IActorRef RefFor(string node, string path)
    {
        if (node == Node)
        {
            if (FindCell(path) is { } cell) return cell.SelfRef;
            if (_promises.TryGetValue(path, out var promise)) return promise;
            if (path == DeadLetters.Path) return DeadLetters;
        }
        return new PathActorRef(this, node, path);
    }

    /// <summary>The live local actor at <paramref name="path"/>, if any.</summary>
    public IActorRef? Lookup(string path) => FindCell(path)?.SelfRef;

    /// <summary>
    /// Stops every actor, deepest children first, then the transport. Throws TimeoutException (naming the
    /// actors still running) if an actor does not finish its current message in time.
    /// </summary>
    public async Task ShutdownAsync(TimeSpan? timeout = null)
    {
        Interlocked.Exchange(ref _shutdown, 1);
        _guardian.RequestStop(null);
        try
        {
            await _guardian.Terminated.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var running = string.Join(", ", _guardian.Children.Select(c => c.Path));
            throw new TimeoutException($"Actor system {Name} did not shut down within {timeout}; still running: {running}");
        }
        await _transport.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);

    // ---- Ask ----

    internal async Task<TReply> AskAsync<TReply>(IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var promise = new PromiseActorRef(this, $"/temp/ask-{Interlocked.Increment(ref _askCounter)}", target.Node);
        _promises[promise.Path] = promise;
        try
        {
            target.Tell(message, promise);
            object reply;
            try
            {
                reply = await promise.Reply.WaitAsync(timeout, Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new AskTimeoutException(target.Path, message.GetType(), timeout);
            }
            return reply switch
            {
                ReplyFailure failure => throw new AskFailedException(target.Path, message.GetType(), failure.Error),
                TReply typed => typed,
                _ => throw new InvalidCastException(
                    $"Ask to {target.Path} with {message.GetType().Name} expected a {typeof(TReply).Name} reply but got {reply.GetType().Name}."),
            };
        }
        finally
        {
            _promises.TryRemove(promise.Path, out _);
        }
    }

    // ---- routing ----

    /// <summary>Delivers to a local path (object as is) or sends to another node through the transport.</summary>
    internal void Route(string node, string path, object message, IActorRef? sender)
    {
        if (node != Node)
        {
            _transport.Send(Serializer.ToWire(node, path, sender, message));
            return;
        }
        if (FindCell(path) is { } cell) cell.Enqueue(new Envelope(message, sender));
        else if (_promises.TryGetValue(path, out var promise)) promise.Tell(message, sender);
        else PublishDeadLetter(message, sender, path);
    }

    void ITransportListener.OnInbound(WireEnvelope envelope)
    {
        object message;
        try
        {
            message = Serializer.FromWire(envelope);
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or NotSupportedException)
        {
            Log.Warning(ex, "Dropped a message of type {MessageType} from {SenderNode} for {TargetPath}",
                envelope.MessageType, envelope.SenderNode, envelope.TargetPath);
            return;
        }
        var sender = envelope.SenderPath is null ? null : RefFor(envelope.SenderNode ?? Node, envelope.SenderPath);
        switch (message)
        {
            case WatchRemote watch:
                var watcher = RefFor(watch.WatcherNode, watch.WatcherPath);
                if (FindCell(envelope.TargetPath) is { } cell) cell.AddWatcher(watcher);
                else watcher.Tell(new DeathWatchNotification(RefFor(Node, envelope.TargetPath), "no such actor"));
                return;
            case UnwatchRemote unwatch:
                FindCell(envelope.TargetPath)?.RemoveWatcher(RefFor(unwatch.WatcherNode, unwatch.WatcherPath));
                return;
            default:
                Route(Node, envelope.TargetPath, message, sender);
                return;
        }
    }

    void ITransportListener.OnNodeLost(string node, string reason)
    {
        Log.Warning("Node {LostNode} lost: {Reason}", node, reason);
        foreach (var promise in _promises.Values.Where(p => p.TargetNode == node))
            promise.Tell(new ReplyFailure($"node {node} lost: {reason}"));
        foreach (var (watcher, watched) in _remoteWatches.Keys.Where(k => k.Watched.Node == node).ToList())
        {
            if (_remoteWatches.TryRemove((watcher, watched), out _))
                watcher.SelfRef.Tell(new DeathWatchNotification(watched, $"node {node} lost: {reason}"));
        }
    }

    internal void WatchRemote(ActorCell watcher, PathActorRef watched)
    {
        _remoteWatches[(watcher, watched)] = 0;
        watched.Tell(new WatchRemote(Node, watcher.Path));
    }

    internal void UnwatchRemote(ActorCell watcher, PathActorRef watched)
    {
        _remoteWatches.TryRemove((watcher, watched), out _);
        watched.Tell(new UnwatchRemote(Node, watcher.Path));
    }

    internal void ForgetRemoteWatches(ActorCell watcher)
    {
        foreach (var key in _remoteWatches.Keys.Where(k => k.Watcher == watcher).ToList())
            _remoteWatches.TryRemove(key, out _);
    }

    internal void PublishDeadLetter(object message, IActorRef? sender, string recipient)
    {
        Interlocked.Increment(ref _deadLetters);
        Log.Debug("Dead letter {MessageType} for {Recipient}", message.GetType().Name, recipient);
        DeadLetterPublished?.Invoke(new DeadLetter(message, sender, recipient));
    }

    internal ActorCell? FindCell(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "user") return null;
        var cell = _guardian;
        for (int i = 1; i < parts.Length && cell is not null; i++) cell = cell.FindChild(parts[i]);
        return cell;
    }

    private ActorCell? CellOf(IActorRef actor) => actor switch
    {
        LocalActorRef local => local.Cell,
        PathActorRef byPath when byPath.Node == Node => FindCell(byPath.Path),
        PathActorRef remote => throw new NotSupportedException(
            $"Cannot stop remote actor {remote}; tell it a PoisonPill instead."),
        _ => null,
    };

    internal static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || !ValidName().IsMatch(name))
            throw new InvalidActorNameException(
                $"Invalid actor name '{name}': use letters, digits, '-', '_' and '.', not starting with '.' or '$'.");
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex ValidName();

    private sealed class GuardianActor(SupervisorStrategy strategy) : Actor
    {
        protected internal override SupervisorStrategy SupervisorStrategy => strategy;
        protected internal override Task OnReceive(object message)
        {
            Unhandled(message);
            return Task.CompletedTask;
        }
    }
}
