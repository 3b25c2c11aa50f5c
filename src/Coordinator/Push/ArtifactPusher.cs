using System.Diagnostics;
using System.Threading.Channels;
using Polly;
using Polly.Retry;
using Serilog;

namespace Orchestrator.Coordinator.Push;

/// <summary>Retries of one push: exponential backoff from <see cref="InitialDelay"/>, capped at <see cref="MaxDelay"/>.</summary>
public sealed record PushRetryOptions
{
    /// <summary>Retries after the first attempt (0: one attempt only).</summary>
    public int MaxRetryAttempts { get; init; } = 5;

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Randomises delays so many runs do not retry in lock-step against the same remote.</summary>
    public bool UseJitter { get; init; } = true;
}

/// <summary>The result of pushing one request to one destination.</summary>
public sealed record PushOutcome(string Label, string Destination, bool Succeeded, int Attempts, string? Error);

/// <summary>The pusher's queue at a moment: checkpoints queued or being pushed, and pushes (one per destination) given up so far.</summary>
public sealed record PushBacklog(int Pending, int Failed);

/// <summary>What the pusher did over the whole run.</summary>
public sealed record PushSummary(IReadOnlyList<PushOutcome> Outcomes, IReadOnlyList<string> CoalescedLabels)
{
    public int Pushed => Outcomes.Count(o => o.Succeeded);

    public int Failed => Outcomes.Count(o => !o.Succeeded);

    public int Coalesced => CoalescedLabels.Count;

    /// <summary>Attempts beyond the first, over all pushes.</summary>
    public int Retries => Outcomes.Sum(o => Math.Max(0, o.Attempts - 1));
}

/// <summary>
/// Publishes checkpoints in the background. <see cref="Enqueue"/> never blocks the training loop. One push runs at a
/// time; requests that arrive meanwhile coalesce to the newest (the skipped ones are logged by name, never silently
/// dropped; a final request always wins). Each destination is retried with exponential backoff; a destination that
/// stays unreachable becomes warnings and a failed outcome, never an exception to the caller.
/// <see cref="CompleteAsync"/> waits until the queue, final push included, is done.
/// </summary>
public sealed class ArtifactPusher : IAsyncDisposable
{
    private readonly IReadOnlyList<IPushDestination> _destinations;
    private readonly ILogger _logger;
    private readonly PushRetryOptions _retry;
    private readonly TimeProvider _time;
    private readonly Channel<PushRequest> _queue = Channel.CreateUnbounded<PushRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private readonly List<PushOutcome> _outcomes = [];
    private readonly List<string> _coalesced = [];
    private readonly Task _loop;
    private readonly Action<PushBacklog>? _onBacklogChanged;
    private volatile string? _inFlight;
    private int _pending;

    /// <param name="onBacklogChanged">Told whenever a request is queued, coalesced away or finished (the metrics' pushes pending and failed).</param>
    public ArtifactPusher(IEnumerable<IPushDestination> destinations, ILogger logger, PushRetryOptions? retry = null, TimeProvider? time = null,
        Action<PushBacklog>? onBacklogChanged = null)
    {
        _onBacklogChanged = onBacklogChanged;
        _destinations = destinations.ToArray();
        _logger = logger.ForContext<ArtifactPusher>();
        _retry = retry ?? new PushRetryOptions();
        _time = time ?? TimeProvider.System;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// The checkpoint folder being pushed right now, if any: checkpoint retention must not delete it
    /// (a newer checkpoint arriving mid-push would otherwise rotate it away under the copy).
    /// </summary>
    public string? InFlightCheckpoint => _inFlight;

    /// <summary>Queues a checkpoint for pushing and returns at once. Throws only if the pusher was already completed.</summary>
    public void Enqueue(PushRequest request)
    {
        if (!_queue.Writer.TryWrite(request))
            throw new InvalidOperationException($"Push of {request.Label} requested after the pusher was completed");
        BacklogChanged(+1);
        _logger.Debug("Push of {Label} queued from {Checkpoint}", request.Label, request.CheckpointDirectory);
    }

    /// <summary>
    /// Stops accepting requests and waits for the queued ones (coalesced as usual). Cancelling abandons the wait and the
    /// push in progress (e.g. a second Ctrl-C); what was not pushed is reported as failed.
    /// </summary>
    public async Task<PushSummary> CompleteAsync(CancellationToken cancellationToken = default)
    {
        _queue.Writer.TryComplete();
        using (cancellationToken.Register(() => _abort.Cancel()))
            await _loop.ConfigureAwait(false);
        lock (_outcomes) return new PushSummary(_outcomes.ToArray(), _coalesced.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await CompleteAsync().ConfigureAwait(false);
        _abort.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var backlog = new List<PushRequest>();
            while (reader.TryRead(out var request)) backlog.Add(request);
            if (backlog.Count == 0) continue;
            var target = backlog.LastOrDefault(r => r.IsFinal) ?? backlog[^1];
            foreach (var skipped in backlog.Where(r => !ReferenceEquals(r, target)))
            {
                lock (_outcomes) _coalesced.Add(skipped.Label);
                _logger.Warning("Push of {Label} skipped: coalesced into the newer {Newest} because a push was still running ({Checkpoint} is not published)",
                    skipped.Label, target.Label, skipped.CheckpointDirectory);
                BacklogChanged(-1);
            }

            _inFlight = target.CheckpointDirectory;
            foreach (var destination in _destinations)
            {
                var outcome = await PushWithRetriesAsync(target, destination).ConfigureAwait(false);
                lock (_outcomes) _outcomes.Add(outcome);
            }

            _inFlight = null;
            BacklogChanged(-1);
        }
    }

    private void BacklogChanged(int pendingDelta)
    {
        var pending = Interlocked.Add(ref _pending, pendingDelta);
        if (_onBacklogChanged is null) return;
        int failed;
        lock (_outcomes) failed = _outcomes.Count(o => !o.Succeeded);
        _onBacklogChanged(new PushBacklog(pending, failed));
    }

    private async Task<PushOutcome> PushWithRetriesAsync(PushRequest request, IPushDestination destination)
    {
        var attempts = 0;
        var watch = Stopwatch.StartNew();
        var pipeline = BuildPipeline(request, destination);
        try
        {
            await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                await destination.PushAsync(request, token).ConfigureAwait(false);
            }, _abort.Token).ConfigureAwait(false);
            _logger.Information("Pushed {Label} to {Destination} in {Seconds:0.0} s ({Attempts} attempt(s))",
                request.Label, destination.Description, watch.Elapsed.TotalSeconds, attempts);
            return new PushOutcome(request.Label, destination.Description, true, attempts, null);
        }
        catch (Exception e)
        {
            var reason = e is OperationCanceledException && _abort.IsCancellationRequested ? "cancelled" : e.Message;
            _logger.Warning("Push of {Label} to {Destination} failed after {Attempts} attempt(s): {Error}",
                request.Label, destination.Description, attempts, reason);
            return new PushOutcome(request.Label, destination.Description, false, attempts, reason);
        }
    }

    private ResiliencePipeline BuildPipeline(PushRequest request, IPushDestination destination)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        if (_retry.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _retry.MaxRetryAttempts,
                Delay = _retry.InitialDelay,
                MaxDelay = _retry.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = _retry.UseJitter,
                // A vanished checkpoint folder will not come back: fail at once instead of retrying.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is not null and not DirectoryNotFoundException
                    && !(args.Outcome.Exception is OperationCanceledException && _abort.IsCancellationRequested)),
                OnRetry = args =>
                {
                    _logger.Warning("Push of {Label} to {Destination} failed (attempt {Attempt}), retrying in {DelaySeconds:0.###} s: {Error}",
                        request.Label, destination.Description, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds,
                        args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }
}
