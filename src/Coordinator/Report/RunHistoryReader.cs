using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Coordinator.Logging;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Config;

namespace Orchestrator.Coordinator.Report;

/// <summary>
/// Reads a run folder into a <see cref="RunHistory"/>. The trainer state of the newest complete checkpoint is the
/// exact record up to its step (log_history, metric_history); the coordinator's JSON-lines log adds what came after
/// it (steps after the last checkpoint, or everything when no checkpoint is complete), the throughput, the per-type
/// scores and the timing. A resumed run logs the steps it repeats twice; the later event of a step wins.
/// </summary>
public static class RunHistoryReader
{
    /// <exception cref="RunReportException">The folder is not a run folder (no run.json) or holds nothing to report.</exception>
    public static RunHistory Read(string runDirectory)
    {
        var manifestPath = Path.Combine(runDirectory, RunManifest.FileName);
        if (!Directory.Exists(runDirectory)) throw new RunReportException($"{runDirectory}: no such folder");
        if (!File.Exists(manifestPath)) throw new RunReportException($"{runDirectory}: not a run folder ({RunManifest.FileName} is missing)");
        RunManifest manifest;
        try
        {
            manifest = RunManifest.Read(manifestPath);
        }
        catch (InvalidDataException error)
        {
            throw new RunReportException(error.Message);
        }

        var (checkpointName, state) = ReadState(runDirectory);
        var log = ReadCoordinatorLog(runDirectory);
        long? stepsPerEpoch = state?.StepsPerEpoch is > 0 ? state.StepsPerEpoch : log.StepsPerEpoch;
        double EpochOf(long step, double fallback) => stepsPerEpoch is > 0 ? (double)step / stepsPerEpoch.Value : fallback;

        var stateStep = state?.GlobalStep ?? 0;
        var steps = new SortedDictionary<long, StepRecord>();
        foreach (var entry in state?.LogHistory ?? [])
        {
            if (!entry.TryGetValue("loss", out var loss) || !entry.TryGetValue("step", out var step)) continue;
            steps[(long)step] = new StepRecord((long)step, entry.GetValueOrDefault("epoch", EpochOf((long)step, 0)), loss,
                entry.GetValueOrDefault("learning_rate", double.NaN), null);
        }
        foreach (var p in log.Steps)
        {
            // Within the trainer state's range the state is the record; the log still adds the throughput.
            if (p.Step <= stateStep && steps.TryGetValue(p.Step, out var known))
                steps[p.Step] = known with { SamplesPerSecond = p.SamplesPerSecond };
            else if (p.Step > stateStep || state is null)
                steps[p.Step] = p with { Epoch = EpochOf(p.Step, p.Epoch) };
        }

        var evaluations = new SortedDictionary<long, EvaluationRow>();
        foreach (var e in state?.MetricHistory ?? [])
            evaluations[e.Step] = new EvaluationRow(e.Epoch, e.Step, e.Metrics);
        foreach (var e in log.Evaluations.Where(e => e.Step > stateStep || state is null))
            evaluations[e.Step] = e with { Epoch = EpochOf(e.Step, e.Epoch) };

        if (steps.Count == 0 && evaluations.Count == 0)
            throw new RunReportException($"{runDirectory}: nothing to report yet (no complete checkpoint and no training steps in logs/)");

        return new RunHistory
        {
            RunDirectory = runDirectory,
            Manifest = manifest,
            StateCheckpoint = checkpointName,
            State = state,
            Steps = steps.Values.ToList(),
            Evaluations = evaluations.Values.ToList(),
            Entities = log.Entities,
            EntitiesStep = log.EntitiesStep,
            TotalSteps = log.TotalSteps,
            FirstEvent = log.First,
            LastEvent = log.Last,
            Finished = File.Exists(Path.Combine(runDirectory, "model", "config.json")),
            SkippedLogLines = log.Skipped,
        };
    }

    /// <summary>The newest complete checkpoint's trainer state (damaged ones skipped), else the final model's if it has one.</summary>
    private static (string? Name, TrainerState? State) ReadState(string runDirectory)
    {
        var checkpoints = Path.Combine(runDirectory, "checkpoints");
        if (Directory.Exists(checkpoints) && new CheckpointStore(checkpoints).FindLatest().Checkpoint is { } latest)
            return (latest.Name, latest.State);
        var final = Path.Combine(runDirectory, "model", TrainerState.FileName);
        return File.Exists(final) ? ("model", TrainerState.Load(final)) : (null, null);
    }

    private sealed class CoordinatorLog
    {
        public List<StepRecord> Steps { get; } = [];
        public List<EvaluationRow> Evaluations { get; } = [];
        public List<EntityScoreRow> Entities { get; set; } = [];
        public long? EntitiesStep { get; set; }
        public int? TotalSteps { get; set; }
        public int? StepsPerEpoch { get; set; }
        public DateTimeOffset? First { get; set; }
        public DateTimeOffset? Last { get; set; }
        public List<string> Skipped { get; } = [];
    }

    /// <summary>The coordinator's events, oldest first: logs/coordinator-0.jsonl, then its rolled files (_001, _002...).</summary>
    private static CoordinatorLog ReadCoordinatorLog(string runDirectory)
    {
        var result = new CoordinatorLog();
        var logs = Path.Combine(runDirectory, "logs");
        if (!Directory.Exists(logs)) return result;
        var first = Path.GetFileName(RunLogging.LogFilePath(runDirectory, "coordinator", 0));
        var files = Directory.EnumerateFiles(logs, Path.GetFileNameWithoutExtension(first) + "*.jsonl")
            .OrderBy(f => Path.GetFileName(f).Length).ThenBy(f => f, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                if (line.Length == 0) continue;
                JsonObject? e;
                try
                {
                    e = JsonNode.Parse(line) as JsonObject;
                }
                catch (JsonException)
                {
                    e = null;
                }
                if (e is null)
                {
                    result.Skipped.Add($"{file}:{lineNumber}");
                    continue;
                }
                Read(e, result);
            }
        }
        return result;
    }

    private static void Read(JsonObject e, CoordinatorLog log)
    {
        if (DateTimeOffset.TryParse((string?)e["timestamp"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            log.First ??= time;
            log.Last = time;
        }
        // In a single-process run the workers log into the coordinator's file; their events are not the run's record.
        if ((string?)e["Role"] is "worker") return;
        if (Number(e["TotalSteps"]) is { } total) log.TotalSteps = (int)total;
        if (Number(e["StepsPerEpoch"]) is { } perEpoch && perEpoch > 0) log.StepsPerEpoch = (int)perEpoch;
        if (Number(e["Step"]) is not { } step) return;
        var epoch = Number(e["Epoch"]) ?? 0;

        // "Epoch {Epoch} step {Step}: loss {Loss}, learning rate {LearningRate}, ...": one per logged step.
        if (Number(e["Loss"]) is { } loss && Number(e["LearningRate"]) is { } learningRate)
        {
            log.Steps.Add(new StepRecord((long)step, epoch, loss, learningRate, Number(e["SamplesPerSecond"])));
        }
        // "Evaluation at epoch {Epoch} step {Step} on {Examples} examples: {@Metrics}".
        else if (e["Metrics"] is JsonObject metrics)
        {
            var values = metrics.Where(m => Number(m.Value) is not null).ToDictionary(m => m.Key, m => Number(m.Value)!.Value);
            log.Evaluations.Add(new EvaluationRow(epoch, (long)step, values));
        }
        // "Scores per entity type at epoch {Epoch} step {Step}: {@EntityScores}".
        else if (e["EntityScores"] is JsonArray rows)
        {
            log.Entities = rows.OfType<JsonObject>().Select(r => new EntityScoreRow(
                (string?)r["Type"] ?? "?", Number(r["Precision"]) ?? double.NaN, Number(r["Recall"]) ?? double.NaN,
                Number(r["F1"]) ?? double.NaN, (long)(Number(r["Support"]) ?? 0))).ToList();
            log.EntitiesStep = (long)step;
        }
    }

    /// <summary>A JSON number, or a non-finite one written as a string ("NaN", "Infinity").</summary>
    private static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}

/// <summary>A run folder that cannot be reported on; the message names the folder and what is missing.</summary>
public sealed class RunReportException(string message) : Exception(message);
