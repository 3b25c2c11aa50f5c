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
/// moment an output line or a polled condition says so.
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
        TimeSpan? timeout = null)
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
        var kill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (lines) lines.Add(line);
            if (killOnLine?.Invoke(line) == true) kill.TrySetResult();
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // A dedicated thread polls at about a millisecond, fine enough to land inside a checkpoint write.
        using var stopPolling = new CancellationTokenSource();
        Thread? poller = null;
        if (killWhen is not null)
        {
            poller = new Thread(() =>
            {
                while (!stopPolling.IsCancellationRequested && !kill.Task.IsCompleted)
                {
                    if (killWhen()) kill.TrySetResult();
                    else Thread.Sleep(1);
                }
            }) { IsBackground = true };
            poller.Start();
        }

        try
        {
            var exited = process.WaitForExitAsync();
            var limit = Task.Delay(timeout ?? TimeSpan.FromMinutes(2));
            var first = await Task.WhenAny(exited, kill.Task, limit);
            var killed = false;
            if (first == kill.Task && !process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }
            else if (first == limit)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                lock (lines) throw new TimeoutException($"orchestrator {string.Join(' ', arguments)} did not finish in time:\n{string.Join('\n', lines.TakeLast(40))}");
            }
            await process.WaitForExitAsync();
            lock (lines) return new ProcessOutcome(process.ExitCode, killed, lines.ToList());
        }
        finally
        {
            stopPolling.Cancel();
            poller?.Join();
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
