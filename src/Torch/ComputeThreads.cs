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
    /// Settings for the calling thread, which is about to compute: libtorch's intra-op threads (an OpenMP setting,
    /// kept per thread) and a single-threaded OpenBLAS (process-wide) unless configured otherwise.
    /// </summary>
    public static void Use(int intraOpThreads)
    {
        torch.set_num_threads(intraOpThreads);
        SingleThreadedBlasUnlessConfigured();
    }
}
