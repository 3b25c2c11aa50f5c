using System.Runtime.InteropServices;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>
/// A local worker process dies with the process that launched it, however that one ends (kill -9 included): Linux's
/// PR_SET_PDEATHSIG delivers SIGKILL to the child when its parent goes. (The signal follows the parent's launching
/// thread, so <see cref="LocalWorkerLauncher"/> starts its children from one thread that lives as long as the run.)
/// Cluster workers have no such parent; they leave when the coordinator's member is removed or unreachable.
/// </summary>
public static partial class ParentDeath
{
    private const int PrSetPdeathsig = 1;
    private const int Sigkill = 9;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc")]
    private static partial int getppid();

    /// <summary>Arranges to be killed when <paramref name="parentProcessId"/> ends; false if it has already ended.</summary>
    public static bool FollowParent(int parentProcessId)
    {
        if (!OperatingSystem.IsLinux()) return true;
        if (prctl(PrSetPdeathsig, Sigkill, 0, 0, 0) != 0)
            throw new InvalidOperationException($"prctl(PR_SET_PDEATHSIG) failed with errno {Marshal.GetLastPInvokeError()}");
        // The parent may have died before the prctl: then we were re-parented already and no signal will come.
        return getppid() == parentProcessId;
    }
}
