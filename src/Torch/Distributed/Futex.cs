using System.Runtime.InteropServices;

namespace Orchestrator.Torch.Distributed;

/// <summary>
/// Linux futexes on a word of shared memory: one process sleeps until another changes the word and wakes it
/// (the shared, not process-private, operations, so they work across processes mapping the same file).
/// </summary>
internal static unsafe partial class Futex
{
    private const int WaitOperation = 0;   // FUTEX_WAIT
    private const int WakeOperation = 1;   // FUTEX_WAKE

    private static readonly long SyscallNumber = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        var other => throw new PlatformNotSupportedException($"futex: no syscall number for {other}"),
    };

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int* address, int operation, int value, Timespec* timeout, int* address2, int value3);

    /// <summary>Sleeps while <paramref name="word"/> still holds <paramref name="expected"/>, at most <paramref name="timeout"/>
    /// (it may also return early: callers check the word again).</summary>
    public static void Wait(ref int word, int expected, TimeSpan timeout)
    {
        var time = new Timespec { Seconds = (long)timeout.TotalSeconds, Nanoseconds = timeout.Ticks % TimeSpan.TicksPerSecond * 100 };
        fixed (int* address = &word) syscall(SyscallNumber, address, WaitOperation, expected, &time, null, 0);
    }

    /// <summary>Wakes every process sleeping on <paramref name="word"/>.</summary>
    public static void WakeAll(ref int word)
    {
        fixed (int* address = &word) syscall(SyscallNumber, address, WakeOperation, int.MaxValue, null, null, 0);
    }
}
