using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Orchestrator.Coordinator.Logging;
using Orchestrator.Shared.Config;
using Serilog.Context;

namespace Orchestrator.Coordinator.Tests.Logging;

public class RunLoggingTests
{
    [Fact]
    public void Jsonl_file_holds_one_object_per_event_with_run_fields_and_properties()
    {
        using var tmp = new TempDirectory();
        var console = new StringWriter();
        string path;
        using (var logging = RunLogging.Create(new LoggingOptions
               {
                   Role = "worker", Rank = 1, RunId = "run-7", RunDirectory = tmp.Path, ConsoleWriter = console,
               }))
        {
            path = logging.FilePath!;
            var log = logging.Logger;
            log.Information("Run starting with {Workers} workers", 2);
            log.ForStep(epoch: 2, step: 40).Information("Step done: loss {Loss} lr {LearningRate}", 0.25, 1.5e-5);
            using (TrainingLogContext.Push(3, 99))
                log.Warning("Push of {Label} coalesced into {Newest}", "epoch 1", "epoch 3");
            log.Error(new InvalidOperationException("boom"), "Worker {Rank} lost", 1);
            log.Information("Tags {Tags} and a diverged {Value}", new[] { "a", "b" }, double.NaN);
        }

        Assert.Equal(RunLogging.LogFilePath(tmp.Path, "worker", 1), path);
        Assert.EndsWith(Path.Combine("logs", "worker-1.jsonl"), path);
        var events = File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(5, events.Length);
        foreach (var e in events)
        {
            Assert.Equal("run-7", e.GetProperty("RunId").GetString());
            Assert.Equal("worker", e.GetProperty("Role").GetString());
            Assert.Equal(1, e.GetProperty("Rank").GetInt32());
            Assert.True(DateTimeOffset.TryParse(e.GetProperty("timestamp").GetString(), out _));
        }

        Assert.Equal("Information", events[0].GetProperty("level").GetString());
        Assert.Equal("Run starting with {Workers} workers", events[0].GetProperty("template").GetString());
        Assert.Equal("Run starting with 2 workers", events[0].GetProperty("message").GetString());
        Assert.Equal(2, events[0].GetProperty("Workers").GetInt32());
        Assert.False(events[0].TryGetProperty("Epoch", out _));

        Assert.Equal(2, events[1].GetProperty("Epoch").GetInt32());
        Assert.Equal(40, events[1].GetProperty("Step").GetInt32());
        Assert.Equal(0.25, events[1].GetProperty("Loss").GetDouble());
        Assert.Equal(1.5e-5, events[1].GetProperty("LearningRate").GetDouble());

        Assert.Equal("Warning", events[2].GetProperty("level").GetString());
        Assert.Equal((3, 99), (events[2].GetProperty("Epoch").GetInt32(), events[2].GetProperty("Step").GetInt32()));
        Assert.Equal("epoch 1", events[2].GetProperty("Label").GetString());

        Assert.Contains("InvalidOperationException: boom", events[3].GetProperty("exception").GetString());
        Assert.Equal(["a", "b"], events[4].GetProperty("Tags").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("NaN", events[4].GetProperty("Value").GetString());

        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length); // five events and the exception's line
        Assert.Contains("System.InvalidOperationException: boom", lines);
        Assert.Matches(@"^\[\d\d:\d\d:\d\d INF\] Run starting with 2 workers$", lines[0]);
        Assert.Contains("WRN] Push of epoch 1 coalesced into epoch 3", console.ToString()); // :lj renders strings without quotes
    }

    [Fact]
    public void Json_format_sends_json_lines_to_the_console()
    {
        var console = new StringWriter();
        using (var logging = RunLogging.Create(new LoggingOptions { Role = "coordinator", Format = LogFormat.Json, ConsoleWriter = console }))
        {
            logging.Logger.Information("Epoch {Epoch} finished", 1);
            Assert.Null(logging.FilePath);
        }

        var e = JsonDocument.Parse(console.ToString().Trim()).RootElement;
        Assert.Equal("Epoch 1 finished", e.GetProperty("message").GetString());
        Assert.Equal("coordinator", e.GetProperty("Role").GetString());
        Assert.Equal(0, e.GetProperty("Rank").GetInt32());
    }

    [Fact]
    public void Console_threshold_can_be_raised_while_the_file_keeps_everything()
    {
        using var tmp = new TempDirectory();
        var console = new StringWriter();
        string path;
        using (var logging = RunLogging.Create(new LoggingOptions { Role = "coordinator", RunDirectory = tmp.Path, ConsoleWriter = console }))
        {
            path = logging.FilePath!;
            logging.ConsoleLevel.MinimumLevel = Serilog.Events.LogEventLevel.Warning;
            logging.Logger.Information("quiet {Step}", 1);
            logging.Logger.Warning("loud {Step}", 2);
        }

        Assert.DoesNotContain("quiet", console.ToString());
        Assert.Contains("loud 2", console.ToString());
        Assert.Equal(2, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void Reserved_names_do_not_overwrite_the_envelope()
    {
        var console = new StringWriter();
        using (var logging = RunLogging.Create(new LoggingOptions { Role = "coordinator", Format = LogFormat.Json, ConsoleWriter = console }))
        using (LogContext.PushProperty("message", "sneaky"))
            logging.Logger.Information("real");
        var e = JsonDocument.Parse(console.ToString().Trim()).RootElement;
        Assert.Equal("real", e.GetProperty("message").GetString());
        Assert.Equal("sneaky", e.GetProperty("_message").GetString());
    }

    [Fact]
    public void Any_text_survives_the_round_trip_through_a_json_line()
    {
        var formatter = new JsonLinesFormatter();
        var parser = new Serilog.Parsing.MessageTemplateParser();
        Prop.ForAll<string>(text =>
        {
            text ??= "";
            var logEvent = new Serilog.Events.LogEvent(DateTimeOffset.UnixEpoch, Serilog.Events.LogEventLevel.Information, null,
                parser.Parse("value {Text}"), [new Serilog.Events.LogEventProperty("Text", new Serilog.Events.ScalarValue(text))]);
            var writer = new StringWriter();
            formatter.Format(logEvent, writer);
            var line = writer.ToString();
            var parsed = JsonDocument.Parse(line).RootElement;
            return line.IndexOf('\n') == line.Length - 1 && parsed.GetProperty("Text").GetString() == text
                   && parsed.GetProperty("timestamp").GetString() == "1970-01-01T00:00:00.0000000Z";
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Broken_utf16_is_replaced_rather_than_losing_the_event()
    {
        var console = new StringWriter();
        using (var logging = RunLogging.Create(new LoggingOptions { Role = "worker", Format = LogFormat.Json, ConsoleWriter = console }))
            logging.Logger.Information("token {Token}", "ab\ud800c");
        var e = JsonDocument.Parse(console.ToString().Trim()).RootElement;
        Assert.Equal("ab\ufffdc", e.GetProperty("Token").GetString());
    }
}
