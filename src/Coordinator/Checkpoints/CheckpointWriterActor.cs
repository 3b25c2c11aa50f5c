using Akka.Actor;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Worker;
using Serilog;

namespace Orchestrator.Coordinator.Checkpoints;

/// <summary>
/// Commits checkpoints one after another (so `latest` only ever moves forward) while training goes on. For each:
/// a temporary folder, rank 0 asked to write its snapshot's files there, then trainer_state.json, hashes, fsync,
/// rename (<see cref="CheckpointWriter"/>). Rank 0 is watched during its write: if it dies (or fails), the write is
/// abandoned and its temporary folder removed, so a kill at any moment never damages a committed checkpoint.
/// </summary>
public sealed class CheckpointWriterActor : ReceiveActor
{
    private readonly CheckpointWriter writer;
    private readonly ILogger log;
    private readonly Queue<(WriteCheckpoint Request, IActorRef ReplyTo)> queue = new();
    private readonly List<IActorRef> settleWaiters = [];
    private (WriteCheckpoint Request, IActorRef ReplyTo, TaskCompletionSource Files)? current;

    public CheckpointWriterActor(string checkpointsDirectory, ILogger log)
    {
        writer = new CheckpointWriter(checkpointsDirectory, log);
        this.log = log;

        Receive<WriteCheckpoint>(request =>
        {
            queue.Enqueue((request, Sender));
            StartNext();
        });
        Receive<SettleCheckpoints>(_ =>
        {
            settleWaiters.Add(Sender);
            ReplyIfSettled();
        });
        Receive<FolderReady>(OnFolderReady);
        Receive<CheckpointFilesWritten>(_ => current?.Files.TrySetResult());
        Receive<WorkerFailed>(failed => current?.Files.TrySetException(new InvalidOperationException(failed.Error)));
        Receive<Terminated>(terminated =>
        {
            if (current is { } write && terminated.ActorRef.Equals(write.Request.RankZero))
                write.Files.TrySetException(new RankZeroLostException($"rank 0 ({terminated.ActorRef.Path}) was lost while writing {write.Request.Name}"));
        });
        Receive<WriteFinished>(OnWriteFinished);
    }

    private sealed record FolderReady(string Folder);

    private sealed record WriteFinished(CheckpointInfo? Committed, Exception? Error);

    private sealed class RankZeroLostException(string message) : Exception(message);

    private void StartNext()
    {
        if (current is not null || queue.Count == 0) return;
        var (request, replyTo) = queue.Dequeue();
        var files = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        current = (request, replyTo, files);
        Context.Watch(request.RankZero);
        var self = Self;
        writer.WriteAsync(request.Name, request.State, (folder, _) =>
            {
                // Rank 0 is asked from the mailbox (never from this thread-pool callback).
                self.Tell(new FolderReady(folder));
                return files.Task;
            })
            .ContinueWith(t => new WriteFinished(t.IsCompletedSuccessfully ? t.Result : null, t.Exception?.GetBaseException()), TaskScheduler.Default)
            .PipeTo(self);
    }

    private void OnFolderReady(FolderReady ready)
    {
        if (current is not { } write) return;
        write.Request.RankZero.Tell(new WriteCheckpointFiles(write.Request.SnapshotStep, ready.Folder, write.Request.TokenizerSource), Self);
    }

    private void OnWriteFinished(WriteFinished finished)
    {
        if (current is not { } write) return;
        current = null;
        Context.Unwatch(write.Request.RankZero);
        if (finished.Committed is { } committed)
        {
            write.ReplyTo.Tell(new CheckpointCommitted(committed));
        }
        else
        {
            var reason = finished.Error?.Message ?? "cancelled";
            log.Warning("Checkpoint {Checkpoint} was not committed: {Reason}", write.Request.Name, reason);
            write.ReplyTo.Tell(new CheckpointFailed(write.Request.Name, reason, finished.Error is RankZeroLostException));
        }
        StartNext();
        ReplyIfSettled();
    }

    private void ReplyIfSettled()
    {
        if (current is not null || queue.Count > 0) return;
        foreach (var waiter in settleWaiters) waiter.Tell(CheckpointsSettled.Instance);
        settleWaiters.Clear();
    }
}
