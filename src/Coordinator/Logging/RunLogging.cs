using Orchestrator.Shared.Config;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Orchestrator.Coordinator.Logging;

/// <summary>Who is logging and where: one process of a run (the coordinator, or worker rank k).</summary>
public sealed record LoggingOptions
{
    /// <summary>"coordinator" or "worker"; names the file logs/&lt;role&gt;-&lt;rank&gt;.jsonl.</summary>
    public required string Role { get; init; }

    public int Rank { get; init; }

    public string? RunId { get; init; }

    /// <summary>runs/&lt;name&gt;; null writes no file (e.g. commands outside a run).</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Text: concise lines for people on the console. Json: JSON lines on stdout (cluster mode).</summary>
    public LogFormat Format { get; init; } = LogFormat.Text;

    public LogEventLevel MinimumLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Replaces the process console (tests); null uses stdout.</summary>
    public TextWriter? ConsoleWriter { get; init; }

    /// <summary>False: the file only (a local worker process, whose console nobody reads).</summary>
    public bool WriteToConsole { get; init; } = true;
}

/// <summary>
/// The Serilog pipeline of one process: console for people (or JSON lines on stdout), plus an asynchronous
/// JSON-lines file in the run folder. Every event carries RunId, Role and Rank; Epoch and Step come from
/// <see cref="TrainingLogContext"/>. Dispose flushes the file.
/// </summary>
public sealed class RunLogging : IDisposable
{
    /// <summary>Short enough for a laptop terminal; properties not in the template are in the JSON file.</summary>
    public const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    private RunLogging(Logger logger, LoggingLevelSwitch consoleLevel, string? filePath)
    {
        Logger = logger;
        ConsoleLevel = consoleLevel;
        FilePath = filePath;
    }

    public Logger Logger { get; }

    /// <summary>
    /// The console's threshold, separate from the file's: the live progress bar raises it to Warning while it
    /// draws (interleaved lines would tear the display); the file keeps every event.
    /// </summary>
    public LoggingLevelSwitch ConsoleLevel { get; }

    public string? FilePath { get; }

    public static string LogFilePath(string runDirectory, string role, int rank) =>
        Path.Combine(runDirectory, "logs", $"{role}-{rank}.jsonl");

    public static RunLogging Create(LoggingOptions options)
    {
        var consoleLevel = new LoggingLevelSwitch(options.MinimumLevel);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(options.MinimumLevel)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Role", options.Role)
            .Enrich.WithProperty("Rank", options.Rank);
        if (options.RunId is not null) configuration = configuration.Enrich.WithProperty("RunId", options.RunId);

        if (!options.WriteToConsole)
        {
        }
        else if (options.Format == LogFormat.Json)
        {
            configuration = options.ConsoleWriter is null
                ? configuration.WriteTo.Console(new JsonLinesFormatter(), levelSwitch: consoleLevel)
                : configuration.WriteTo.Sink(new TextWriterSink(new JsonLinesFormatter(), options.ConsoleWriter), levelSwitch: consoleLevel);
        }
        else
        {
            configuration = options.ConsoleWriter is null
                ? configuration.WriteTo.Console(outputTemplate: ConsoleTemplate, levelSwitch: consoleLevel,
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture)
                : configuration.WriteTo.Sink(new TextWriterSink(
                    new MessageTemplateTextFormatter(ConsoleTemplate, System.Globalization.CultureInfo.InvariantCulture),
                    options.ConsoleWriter), levelSwitch: consoleLevel);
        }

        string? filePath = null;
        if (options.RunDirectory is not null)
        {
            filePath = LogFilePath(options.RunDirectory, options.Role, options.Rank);
            Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
            // Async so a slow disk never stalls a training step; blockWhenFull so a burst is slowed down
            // rather than silently dropped (the file is the record of the run).
            configuration = configuration.WriteTo.Async(
                // Past 256 MB a new file starts (<role>-<rank>_001.jsonl, ...) instead of logging stopping silently.
                sink => sink.File(new JsonLinesFormatter(), filePath, shared: false,
                    fileSizeLimitBytes: 256L * 1024 * 1024, rollOnFileSizeLimit: true),
                bufferSize: 10_000,
                blockWhenFull: true);
        }

        return new RunLogging(configuration.CreateLogger(), consoleLevel, filePath);
    }

    public void Dispose() => Logger.Dispose();
}
