using System.Collections.Concurrent;
using System.Diagnostics;
using Orchestrator.Shared.Config;
using Serilog;

namespace Orchestrator.Coordinator.Cluster;

/// <summary>
/// Starts the local worker processes of `orchestrator train --workers N`, the way torchrun starts local ranks:
/// `orchestrator worker --coordinator 127.0.0.1:PORT --parent-pid ME ...`, each logging into the run folder's
/// logs/worker-&lt;i&gt;.jsonl. A process that ends while the run goes on is reported (so its member is downed at once)
/// and replaced by a new one, at most <c>max_failures</c> times. Every process is started from one dedicated thread,
/// because PR_SET_PDEATHSIG follows the launching thread: a thread-pool thread retiring would kill its children.
/// </summary>
public sealed class LocalWorkerLauncher : IAsyncDisposable
{
    private readonly BlockingCollection<Action> launches = new();
    private readonly Thread thread;
    private readonly ConcurrentDictionary<int, Process> running = new();
    private readonly ILogger log;
    private readonly Func<int, IReadOnlyList<string>> arguments;
    private readonly Action<int, int> onExit;
    private readonly IReadOnlyDictionary<string, string> environment;
    private int replacementsLeft;
    private volatile bool stopping;

    /// <param name="arguments">The `worker` command's arguments for the i-th local process.</param>
    /// <param name="onExit">(process id, exit code) of a process that ended while the run was going on.</param>
    /// <param name="environment">Variables set for every worker process (the ephemeral cluster certificate's path).</param>
    public LocalWorkerLauncher(Func<int, IReadOnlyList<string>> arguments, int replacements, ILogger log, Action<int, int> onExit,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        this.environment = environment ?? new Dictionary<string, string>();
        this.arguments = arguments;
        this.log = log;
        this.onExit = onExit;
        replacementsLeft = replacements;
        thread = new Thread(() =>
        {
            foreach (var launch in launches.GetConsumingEnumerable()) launch();
        }) { IsBackground = true, Name = "worker-launcher" };
        thread.Start();
    }

    /// <summary>The arguments of a local worker process joining the coordinator at 127.0.0.1:<paramref name="port"/>.</summary>
    public static IReadOnlyList<string> WorkerArguments(int port, int index, string runDirectory, string runId, LogFormat logFormat) =>
    [
        "worker", "--coordinator", $"127.0.0.1:{port}", "--devices", "cpu", "--parent-pid", Environment.ProcessId.ToString(),
        "--log-dir", runDirectory, "--run-id", runId, "--process-index", index.ToString(), "--log-format", logFormat.ToString().ToLowerInvariant(),
    ];

    public IReadOnlyCollection<int> ProcessIds => running.Keys.ToList();

    public void Start(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var index = i;
            launches.Add(() => Launch(index));
        }
    }

    private void Launch(int index)
    {
        if (stopping) return;
        var (program, throughDotnet) = WorkerProgram;
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (throughDotnet) start.ArgumentList.Add(OrchestratorDll);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        foreach (var argument in arguments(index)) start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, _) => { };  // it logs into the run folder; its console is not ours
        process.ErrorDataReceived += (_, line) =>
        {
            if (!string.IsNullOrWhiteSpace(line.Data)) log.Warning("Worker process {Index}: {Line}", index, line.Data);
        };
        process.Exited += (_, _) => OnExited(index, process);
        process.Start();
        running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log.Information("Started worker process {Index} (process {ProcessId})", index, process.Id);
    }

    private void OnExited(int index, Process process)
    {
        running.TryRemove(process.Id, out _);
        if (stopping) return;
        var code = process.ExitCode;
        onExit(process.Id, code);
        if (Interlocked.Decrement(ref replacementsLeft) >= 0)
        {
            log.Warning("Worker process {Index} (process {ProcessId}) ended with code {ExitCode}: starting a replacement", index, process.Id, code);
            launches.Add(() => Launch(index));
        }
    }

    /// <summary>The run is over: a worker process that ends from now on is expected, never replaced nor reported.</summary>
    public void RunEnded() => stopping = true;

    /// <summary>The run is over: processes get <paramref name="grace"/> to leave on their own, then are killed.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        RunEnded();
        var processes = running.Values.ToList();
        using var timeout = new CancellationTokenSource(grace);
        foreach (var process in processes)
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                log.Warning("Worker process {ProcessId} did not exit in {Seconds:F0} s: killing it", process.Id, grace.TotalSeconds);
                process.Kill(entireProcessTree: true);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        launches.CompleteAdding();
        thread.Join();
    }

    /// <summary>This program's own dll (the worker is the same program with another command).</summary>
    private static string OrchestratorDll => typeof(LocalWorkerLauncher).Assembly.Location;

    /// <summary>
    /// How to start this program again: through the dotnet host with our dll (`dotnet orchestrator.dll`, test hosts),
    /// or as the apphost we were started as (`orchestrator` in the container image, where no `dotnet` is on PATH).
    /// </summary>
    private static (string Program, bool ThroughDotnet) WorkerProgram =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? (host, true)
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? (self, true)
        : Environment.ProcessPath is { } apphost && Path.GetFileNameWithoutExtension(apphost) == Path.GetFileNameWithoutExtension(OrchestratorDll) ? (apphost, false)
        : ("dotnet", true);
}
