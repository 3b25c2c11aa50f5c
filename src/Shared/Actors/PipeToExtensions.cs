namespace Orchestrator.Shared.Actors;

public static class PipeToExtensions
{
    /// <summary>
    /// When <paramref name="task"/> finishes, tells its result to <paramref name="recipient"/> (or a
    /// <see cref="ReplyFailure"/> if it failed). The way to keep long work out of an actor's turn.
    /// </summary>
    public static Task PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null) =>
        task.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) recipient.Tell(t.Result!, sender);
            else recipient.Tell(new ReplyFailure(t.Exception?.GetBaseException().Message ?? "cancelled"), sender);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
