using System.Diagnostics;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>What a child `orchestrator` process did: its exit code, whether the test killed it, and its output lines.</summary>
internal sealed record ProcessOutcome(int ExitCode, bool Killed, IReadOnlyList<string> Lines)
{
    public string Output => string.Join('\n', Lines);

    /// <summary>The last lines, for assertion messages.</summary>
    public string Tail(int count = 40) => string.Join('\n', Lines.TakeLast(count));
}

/// <summary>
/// Runs the built `orchestrator` program (orchestrator.dll, copied next to the test assembly by the
/// project reference) as a real child process, optionally killing it outright (SIGKILL on Linux) the
/// moment an output line or a polled condition says so. <c>onLine</c> sees every line as it comes (to kill one
/// of its worker processes, for instance).
/// </summary>
internal static class OrchestratorProcess
{
    public static string Program => Path.Combine(AppContext.BaseDirectory, "orchestrator.dll");

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static async Task<ProcessOutcome> RunAsync(
        IReadOnlyList<string> arguments,
        string workingDirectory,
        Func<string, bool>? killOnLine = null,
        Func<bool>? killWhen = null,
        TimeSpan? timeout = null,
        Action<string>? onLine = null,
        bool killTree = true,
        Action<int>? started = null)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Program);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["NO_COLOR"] = "1";

        var lines = new List<string>();
        using var process = new Process { StartInfo = start };
        var killed = 0;

        // The kill is sent from the thread that notices the moment, not from a continuation: the thread pool of
        // a busy test host can take longer to run one than a whole short run takes to finish.
        void KillNow()
        {
            if (Interlocked.Exchange(ref killed, 1) == 1) return;
            try
            {
                // Without the tree: the coordinator alone dies, as with kill -9 (its worker processes must follow it by themselves).
                if (!process.HasExited) process.Kill(entireProcessTree: killTree);
                else killed = 0;  // it finished first
            }
            catch (InvalidOperationException)
            {
                killed = 0;  // it exited between the check and the kill
            }
        }

        void OnLine(string line)
        {
            lock (lines) lines.Add(line);
            onLine?.Invoke(line);
            if (killOnLine?.Invoke(line) == true) KillNow();
        }

        process.Start();
        started?.Invoke(process.Id);
        // Dedicated reader threads for the same reason: async pipe reads wait for pool threads.
        var readers = new[] { process.StandardOutput, process.StandardError }.Select(reader => new Thread(() =>
        {
            while (reader.ReadLine() is { } line) OnLine(line);
        }) { IsBackground = true }).ToArray();
        foreach (var reader in readers) reader.Start();

        // A dedicated thread polls at about a millisecond, fine enough to land inside a checkpoint write.
        using var stopPolling = new CancellationTokenSource();
        Thread? poller = null;
        if (killWhen is not null)
        {
            poller = new Thread(() =>
            {
                while (!stopPolling.IsCancellationRequested && Volatile.Read(ref killed) == 0 && !process.HasExited)
                {
                    if (killWhen()) KillNow();
                    else Thread.Sleep(1);
                }
            }) { IsBackground = true };
            poller.Start();
        }

        try
        {
            using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                lock (lines) throw new TimeoutException($"orchestrator {string.Join(' ', arguments)} did not finish in time:\n{string.Join('\n', lines.TakeLast(40))}");
            }
            foreach (var reader in readers) reader.Join();
            lock (lines) return new ProcessOutcome(process.ExitCode, Volatile.Read(ref killed) == 1, lines.ToList());
        }
        finally
        {
            stopPolling.Cancel();
            poller?.Join();
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
