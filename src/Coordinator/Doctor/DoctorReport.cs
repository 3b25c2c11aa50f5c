using System.Diagnostics;
using Orchestrator.Torch;

namespace Orchestrator.Coordinator.Doctor;

/// <param name="Blas">OpenBLAS's own threads in this process (0: the BLAS is not OpenBLAS).</param>
public sealed record ThreadFacts(int Torch, int Interop, int? OpenMpMax, int Blas, string ParallelBackend, IReadOnlyDictionary<string, string?> Environment);

public sealed record DeviceFacts(bool Cpu, int CpuCores, bool CudaAvailable, long CudaDeviceCount);

public sealed record CollectiveFacts(bool Gloo, bool Nccl);

/// <summary>Everything `orchestrator doctor` reports: facts about the runtime and the self-test outcomes.</summary>
public sealed record DoctorReport(
    string TorchVersion,
    BlasInfo Blas,
    ThreadFacts Threads,
    DeviceFacts Devices,
    CollectiveFacts Collectives,
    IReadOnlyList<CheckOutcome> Checks)
{
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);

    /// <summary>Captures the runtime facts, then runs every check in order (a throwing check fails, the rest still run).</summary>
    public static DoctorReport Create(IEnumerable<DoctorCheck> checks)
    {
        var info = RuntimeInfo.Capture();
        var outcomes = checks.Select(Run).ToArray();
        return new DoctorReport(
            info.TorchVersion,
            info.Blas,
            new ThreadFacts(info.NumThreads, info.NumInteropThreads, info.OpenMpMaxThreads, info.BlasThreads, info.ParallelBackend, info.ThreadEnvironment),
            new DeviceFacts(true, Environment.ProcessorCount, info.CudaAvailable, info.CudaDeviceCount),
            new CollectiveFacts(info.GlooAvailable, info.NcclAvailable),
            outcomes);
    }

    private static CheckOutcome Run(DoctorCheck check)
    {
        var clock = Stopwatch.StartNew();
        CheckResult result;
        try
        {
            result = check.Run();
        }
        catch (Exception e)
        {
            result = CheckResult.Fail($"{e.GetType().Name}: {e.Message}");
        }
        return new CheckOutcome(check.Name, result.Passed, result.Detail, Math.Round(clock.Elapsed.TotalMilliseconds, 1));
    }
}
