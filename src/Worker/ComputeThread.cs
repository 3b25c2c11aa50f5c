using System.Collections.Concurrent;
using Orchestrator.Torch;

namespace Orchestrator.Worker;

/// <summary>
/// The one thread a worker computes on, running posted work in order. libtorch's OpenMP team, glibc's malloc arena
/// and libtorch's thread-local state all belong to a thread: a fresh thread per request rebuilt them each time, and
/// the first steps of every training segment ran several times slower while its arena grew.
/// </summary>
public sealed class ComputeThread : IDisposable
{
    private readonly BlockingCollection<Action> work = new();

    public ComputeThread(string name, int intraOpThreads)
    {
        var thread = new Thread(() =>
        {
            ComputeThreads.Use(intraOpThreads);
            foreach (var action in work.GetConsumingEnumerable()) action();
        }) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Queues <paramref name="action"/> behind the work already posted; throws once disposed.</summary>
    public void Post(Action action) => work.Add(action);

    /// <summary>Work already posted still runs; nothing more is accepted.</summary>
    public void Dispose() => work.CompleteAdding();
}
