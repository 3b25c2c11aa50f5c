using System.Globalization;
using Orchestrator.Shared.Config;
using Serilog.Core;
using Serilog.Events;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Coordinator.ConsoleView;

/// <summary>The latest training position, as reported by the coordinator.</summary>
public sealed record TrainingProgress(int Epoch, int TotalEpochs, int Step, int TotalSteps, double Loss, double LearningRate, double SamplesPerSecond)
{
    /// <summary>"epoch 2/3 | step 1200/5268 | loss 0.1234 | lr 1.73e-05 | 312.4 samples/s".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch}/{TotalEpochs} | step {Step}/{TotalSteps} | loss {Loss:0.0000} | lr {LearningRate:0.00e+00} | {SamplesPerSecond:0.0} samples/s");
}

/// <summary>
/// A live progress bar for people, fed by progress messages (<see cref="Report"/>, <see cref="EndEpoch"/>) from any
/// thread; drawing happens on its own task so the caller never waits for the terminal. Disabled (reports are only
/// remembered) when output is redirected, the console is not an interactive ANSI terminal or logs go out as JSON: machines read the logs.
/// While it draws it raises the console log threshold to Warning, since interleaved log lines would tear the display.
/// </summary>
public sealed class TrainingProgressView : IAsyncDisposable
{
    private readonly IAnsiConsole _console;
    private readonly int _totalEpochs;
    private readonly LoggingLevelSwitch? _consoleLevel;
    private readonly LogEventLevel _previousLevel;
    private readonly object _gate = new();
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IRenderable> _pendingWrites = [];
    private readonly Task _display = Task.CompletedTask;
    private TrainingProgress? _latest;

    public TrainingProgressView(IAnsiConsole console, int totalEpochs, bool enabled, LoggingLevelSwitch? consoleLevel = null)
    {
        _console = console;
        _totalEpochs = totalEpochs;
        IsEnabled = enabled;
        if (!enabled) return;
        _consoleLevel = consoleLevel;
        if (consoleLevel is not null)
        {
            _previousLevel = consoleLevel.MinimumLevel;
            consoleLevel.MinimumLevel = (LogEventLevel)Math.Max((int)_previousLevel, (int)LogEventLevel.Warning);
        }

        _display = Task.Run(DrawAsync);
    }

    /// <summary>The view for this process's console: enabled only for text logs on an interactive, non-redirected terminal.</summary>
    public static TrainingProgressView ForConsole(LogFormat format, int totalEpochs, LoggingLevelSwitch? consoleLevel = null) =>
        new(AnsiConsole.Console, totalEpochs, ShouldDisplay(format, AnsiConsole.Console, Console.IsOutputRedirected), consoleLevel);

    public static bool ShouldDisplay(LogFormat format, IAnsiConsole console, bool outputRedirected) =>
        format == LogFormat.Text && !outputRedirected && console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;

    public bool IsEnabled { get; }

    public TrainingProgress? Latest
    {
        get
        {
            lock (_gate) return _latest;
        }
    }

    /// <summary>Epochs finished so far (in the order <see cref="EndEpoch"/> was called).</summary>
    public IReadOnlyList<int> CompletedEpochs
    {
        get
        {
            lock (_gate) return _completed.ToArray();
        }
    }

    private readonly List<int> _completed = [];

    public void Report(int epoch, int step, int totalSteps, double loss, double learningRate, double samplesPerSecond)
    {
        lock (_gate) _latest = new TrainingProgress(epoch, _totalEpochs, step, totalSteps, loss, learningRate, samplesPerSecond);
    }

    /// <summary>Marks an epoch finished; the line (and an optional evaluation table) is printed above the bar.</summary>
    public void EndEpoch(int epoch, EvaluationReport? evaluation = null)
    {
        lock (_gate)
        {
            _completed.Add(epoch);
            if (!IsEnabled) return;
            _pendingWrites.Add(new Markup(string.Create(CultureInfo.InvariantCulture, $"[green]epoch {epoch}/{_totalEpochs} done[/]{Environment.NewLine}")));
            if (evaluation is not null) _pendingWrites.Add(EvaluationTable.Build(evaluation));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.TrySetResult();
        await _display.ConfigureAwait(false);
        if (_consoleLevel is not null) _consoleLevel.MinimumLevel = _previousLevel;
    }

    private async Task DrawAsync()
    {
        try
        {
            await DrawProgressAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Another live display owns the terminal (Spectre allows one): keep going without the bar;
            // the same information is in the logs.
        }
    }

    private async Task DrawProgressAsync()
    {
        var progress = _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn());
        await progress.StartAsync(async context =>
        {
            var task = context.AddTask("starting", autoStart: true, maxValue: 1);
            while (true)
            {
                var stopping = _stop.Task.IsCompleted;
                Apply(task);
                context.Refresh();
                if (stopping) break;
                await Task.WhenAny(_stop.Task, Task.Delay(100)).ConfigureAwait(false);
            }

            if (task.Value >= task.MaxValue) task.StopTask();
        }).ConfigureAwait(false);
    }

    private void Apply(ProgressTask task)
    {
        TrainingProgress? latest;
        IRenderable[] writes;
        lock (_gate)
        {
            latest = _latest;
            writes = _pendingWrites.ToArray();
            _pendingWrites.Clear();
        }

        // Writes through the same console go above the live bar (Spectre's render hook redraws it below).
        foreach (var write in writes) _console.Write(write);
        if (latest is null) return;
        task.MaxValue = Math.Max(1, latest.TotalSteps);
        task.Value = Math.Min(latest.Step, task.MaxValue);
        task.Description = Markup.Escape(latest.Describe());
    }
}
