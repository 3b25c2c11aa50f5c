using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Shared.IO;

namespace Orchestrator.Shared.Config;

/// <summary>
/// run.json: who created a run folder and with which configuration. Written once when the folder is created;
/// a later start on the same folder (a resume) is checked against it.
/// </summary>
public sealed record RunManifest(
    int FormatVersion,
    string RunId,
    string RunName,
    DateTimeOffset CreatedUtc,
    string ConfigurationHash,
    JsonObject Options)
{
    public const string FileName = "run.json";
    public const int CurrentFormatVersion = 1;

    public static RunManifest Create(TrainOptions options, string runId, DateTimeOffset createdUtc)
    {
        var resolved = options.Resolve();
        var json = new JsonObject();
        foreach (var field in TrainOptionFields.All)
            json[field.Key] = field.ToJson(resolved);
        return new RunManifest(CurrentFormatVersion, runId, resolved.ResolvedRunName(), createdUtc,
            Config.ConfigurationHash.Compute(options), json);
    }

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["run_id"] = RunId,
            ["run_name"] = RunName,
            ["created_utc"] = CreatedUtc.ToUniversalTime().ToString("O"),
            ["configuration_hash"] = ConfigurationHash,
            ["options"] = Options.DeepClone(),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public void Write(string runDirectory) => AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), ToJson());

    /// <summary>Reads run.json; a damaged file is an error naming the file and the field.</summary>
    public static RunManifest Read(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new InvalidDataException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{e.LineNumber + 1}: not valid JSON: {e.Message}", e);
        }

        T Field<T>(string name)
        {
            try
            {
                var node = root[name] ?? throw new InvalidDataException($"{path}: missing field '{name}'");
                return node.GetValue<T>();
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}: field '{name}' has the wrong type", e);
            }
        }

        var options = root["options"] as JsonObject ?? throw new InvalidDataException($"{path}: missing object 'options'");
        return new RunManifest(
            Field<int>("format_version"),
            Field<string>("run_id"),
            Field<string>("run_name"),
            DateTimeOffset.Parse(Field<string>("created_utc"), System.Globalization.CultureInfo.InvariantCulture),
            Field<string>("configuration_hash"),
            (JsonObject)options.DeepClone());
    }

    /// <summary>Keys whose recorded value differs from <paramref name="current"/>'s, in catalogue order.</summary>
    public IReadOnlyList<OptionDifference> Differences(TrainOptions current)
    {
        var resolved = current.Resolve();
        var differences = new List<OptionDifference>();
        foreach (var field in TrainOptionFields.All)
        {
            var recorded = Options.TryGetPropertyValue(field.Key, out var node) ? node : null;
            var recordedText = Options.ContainsKey(field.Key) ? recorded?.ToJsonString() ?? "null" : "(absent)";
            var currentText = field.ToJsonText(resolved);
            if (recordedText == currentText) continue;
            var before = Options.ContainsKey(field.Key) ? ConfigValueText.Format(field.FromJson(recorded)) : "(absent)";
            differences.Add(new OptionDifference(field.Key, before, field.FormatValue(field.GetValue(resolved)), field.Trajectory));
        }

        foreach (var (key, node) in Options)
            if (TrainOptionFields.Find(key) is null)
                differences.Add(new OptionDifference(key, node?.ToJsonString() ?? "null", "(absent)", Trajectory: true));
        return differences;
    }
}

/// <summary>One option that differs between run.json and the current configuration.</summary>
public sealed record OptionDifference(string Key, string Recorded, string Current, bool Trajectory)
{
    public override string ToString() => $"{Key} {Recorded} -> {Current}";
}
