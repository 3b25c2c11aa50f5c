namespace Orchestrator.Torch;

/// <summary>
/// How a compute thread divides the cores between libtorch and BLAS. libtorch's OpenMP threads and OpenBLAS's own
/// threads compete for the same cores unless one side has one thread (the thread trap, which can make a step several
/// times slower). We keep OpenBLAS at one thread and give the cores to libtorch, whose intra-op threads then also split
/// the matrix products between them (native/src/parallel_matmul.cpp), so no core idles during a GEMM.
/// </summary>
public static class ComputeThreads
{
    /// <summary>
    /// Makes OpenBLAS single-threaded unless the user chose OPENBLAS_NUM_THREADS. This must be a call: on Unix,
    /// Environment.SetEnvironmentVariable changes only .NET's copy of the environment, which OpenBLAS never reads.
    /// </summary>
    public static void SingleThreadedBlasUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") is null)
            torch.set_blas_num_threads(1);
    }

    /// <summary>
    /// libtorch's intra-op threads for one of <paramref name="sharers"/> compute threads on this machine:
    /// OMP_NUM_THREADS when it is set (PyTorch and torchrun respect it too), else an equal share of the cores.
    /// </summary>
    public static int Budget(int sharers = 1) =>
        int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), out var n) && n > 0
            ? n
            : Math.Max(1, Environment.ProcessorCount / Math.Max(1, sharers));

    /// <summary>
    /// Settings for the calling thread, which is about to compute: libtorch's intra-op threads (an OpenMP setting,
    /// kept per thread) and a single-threaded OpenBLAS (process-wide) unless configured otherwise.
    /// </summary>
    public static void Use(int intraOpThreads)
    {
        torch.set_num_threads(intraOpThreads);
        SingleThreadedBlasUnlessConfigured();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a new thread with these settings and waits for its result (or rethrows its
    /// exception). A fresh thread, because OpenMP settings stay with the thread that made them.
    /// </summary>
    public static T RunOnOwnThread<T>(int intraOpThreads, Func<T> work)
    {
        T result = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                Use(intraOpThreads);
                result = work();
            }
            catch (Exception e)
            {
                error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        }) { Name = "compute" };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }
}
