using System.Text.RegularExpressions;

namespace Orchestrator.Torch;

/// <summary>The BLAS libtorch was built for, and the BLAS libraries actually mapped into this process.</summary>
/// <param name="BuildSetting">BLAS_INFO from libtorch's build configuration (e.g. "mkl", "open", "generic").</param>
/// <param name="LoadedLibraries">Paths of the BLAS/LAPACK libraries mapped now (symlinks resolved, so Debian's
/// libblas.so.3 alternative shows which implementation it is, e.g. .../openblas-pthread/libblas.so.3).</param>
public sealed record BlasInfo(string BuildSetting, string LapackSetting, IReadOnlyList<string> LoadedLibraries)
{
    public override string ToString() =>
        LoadedLibraries.Count == 0 ? BuildSetting : $"{BuildSetting} ({string.Join(", ", LoadedLibraries)})";
}

/// <summary>A snapshot of the libtorch runtime: version, BLAS, threads, devices, collectives.</summary>
public sealed partial record RuntimeInfo(
    string TorchVersion,
    BlasInfo Blas,
    string ParallelBackend,
    int NumThreads,
    int NumInteropThreads,
    int? OpenMpMaxThreads,
    int BlasThreads,
    bool CudaAvailable,
    long CudaDeviceCount,
    bool GlooAvailable,
    bool NcclAvailable,
    IReadOnlyDictionary<string, string?> ThreadEnvironment,
    string BuildConfig)
{
    /// <summary>Environment variables that change how many threads libtorch and its BLAS use, how they wait, or which kernels BLAS picks.</summary>
    public static readonly IReadOnlyList<string> ThreadVariables =
    [
        "OMP_NUM_THREADS", "OMP_THREAD_LIMIT", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY",
        "GOMP_SPINCOUNT", "KMP_BLOCKTIME", "OPENBLAS_CORETYPE",
    ];

    public static RuntimeInfo Capture()
    {
        var config = torch.__config__.show();
        var parallel = torch.__config__.parallel_info();
        return new RuntimeInfo(
            torch.__version__,
            ParseBlas(config, LoadedLibraries()),
            Match(ParallelBackendPattern(), parallel) ?? "unknown",
            torch.get_num_threads(),
            torch.get_num_interop_threads(),
            int.TryParse(Match(OmpMaxThreadsPattern(), parallel), out var omp) ? omp : null,
            torch.get_blas_num_threads(),
            torch.cuda.is_available(),
            torch.cuda.device_count(),
            torch.distributed.is_gloo_available(),
            torch.distributed.is_nccl_available(),
            ThreadVariables.ToDictionary(name => name, Environment.GetEnvironmentVariable),
            config);
    }

    /// <summary>Reads BLAS_INFO / LAPACK_INFO from at::show_config() output.</summary>
    public static BlasInfo ParseBlas(string buildConfig, IEnumerable<string> loadedLibraries) => new(
        Match(BlasInfoPattern(), buildConfig) ?? "unknown",
        Match(LapackInfoPattern(), buildConfig) ?? "unknown",
        loadedLibraries.Where(path => BlasLibraryPattern().IsMatch(Path.GetFileName(path))).Distinct().Order().ToArray());

    // Which shared objects are mapped: on Linux /proc/self/maps, elsewhere nothing is claimed.
    private static IEnumerable<string> LoadedLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        return File.ReadLines(maps)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5])
            .Distinct()
            .ToArray();
    }

    private static string? Match(Regex pattern, string text)
    {
        var match = pattern.Match(text);
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    [GeneratedRegex(@"BLAS_INFO=([^,\s]+)")] private static partial Regex BlasInfoPattern();
    [GeneratedRegex(@"LAPACK_INFO=([^,\s]+)")] private static partial Regex LapackInfoPattern();
    [GeneratedRegex(@"ATen parallel backend:\s*(.+)")] private static partial Regex ParallelBackendPattern();
    [GeneratedRegex(@"omp_get_max_threads\(\)\s*:\s*(\d+)")] private static partial Regex OmpMaxThreadsPattern();
    [GeneratedRegex(@"^lib(open)?blas|^libmkl|^libblis|^liblapack|^libflexiblas|^libatlas", RegexOptions.IgnoreCase)]
    private static partial Regex BlasLibraryPattern();
}
