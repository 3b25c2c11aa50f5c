using Orchestrator.Coordinator.Push;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Orchestrator.Coordinator.Tests.Push;

/// <summary>Keeps every log event so tests can assert on warnings.</summary>
internal sealed class CollectingSink : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public void Emit(LogEvent logEvent)
    {
        lock (_events) _events.Add(logEvent);
    }

    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (_events) return _events.ToArray();
        }
    }

    public IEnumerable<string> Warnings => Events.Where(e => e.Level == LogEventLevel.Warning).Select(e => e.RenderMessage());

    public ILogger Logger() => new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(this).CreateLogger();
}

internal static class PushTestKit
{
    public static readonly PushRetryOptions FastRetries = new()
    {
        MaxRetryAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20), UseJitter = false,
    };

    public static readonly GitCli Git = new(TimeSpan.FromSeconds(60));

    /// <summary>A checkpoint folder like the checkpoint writer's: model, config, tokenizer, optimizer and trainer state.</summary>
    public static string Checkpoint(string root, string name, byte fill)
    {
        var dir = Path.Combine(root, "checkpoints", name);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), Enumerable.Repeat(fill, 64).ToArray());
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"model_type\": \"bert\", \"id2label\": {\"0\": \"O\"}}");
        File.WriteAllText(Path.Combine(dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
        File.WriteAllBytes(Path.Combine(dir, "optimizer.safetensors"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(dir, "trainer_state.json"), "{\"global_step\": 1}");
        return dir;
    }

    public static async Task<string> BareRepository(string root, string name = "remote.git", string? preReceiveHook = null)
    {
        var path = Path.Combine(root, name);
        await Git.RunAsync(null, ["init", "--quiet", "--bare", "-b", "main", path], CancellationToken.None);
        if (preReceiveHook is not null)
        {
            var hook = Path.Combine(path, "hooks", "pre-receive");
            await File.WriteAllTextAsync(hook, preReceiveHook);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public static async Task<string> GitOutput(string bareRepository, params string[] arguments) =>
        (await Git.RunAsync(null, ["--git-dir", bareRepository, .. arguments], CancellationToken.None)).StandardOutput;

    public static async Task<string[]> GitLines(string bareRepository, params string[] arguments) =>
        (await GitOutput(bareRepository, arguments)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A destination whose first push blocks until released, recording what it published.</summary>
internal sealed class GatedDestination : IPushDestination
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _pushed = [];

    public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Description => "gated://test";

    public IReadOnlyList<string> Pushed
    {
        get
        {
            lock (_pushed) return _pushed.ToArray();
        }
    }

    public void Release() => _release.TrySetResult();

    public async Task PushAsync(PushRequest request, CancellationToken cancellationToken)
    {
        FirstStarted.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
        lock (_pushed) _pushed.Add(request.Label);
    }
}

/// <summary>Fails a given number of times, then succeeds.</summary>
internal sealed class FlakyDestination(int failures) : IPushDestination
{
    public int Calls { get; private set; }

    public string Description => "flaky://test";

    public Task PushAsync(PushRequest request, CancellationToken cancellationToken)
    {
        Calls++;
        return Calls <= failures ? Task.FromException(new IOException($"transient failure {Calls}")) : Task.CompletedTask;
    }
}
