using System.Text.Json.Nodes;

namespace Orchestrator.Shared.Config;

/// <summary>
/// Options as a JSON object of their snake_case keys (the form run.json records), and back: how the coordinator
/// tells a worker process which data to read and how to encode it.
/// </summary>
public static class TrainOptionsJson
{
    public static string Write(TrainOptions options)
    {
        var json = new JsonObject();
        foreach (var field in TrainOptionFields.All)
            json[field.Key] = field.ToJson(options);
        return json.ToJsonString();
    }

    public static TrainOptions Read(string text)
    {
        var json = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("options: expected a JSON object");
        var options = new TrainOptions();
        foreach (var (key, node) in json)
        {
            var field = TrainOptionFields.Find(key) ?? throw new FormatException($"options: unknown key '{key}' (a coordinator of another version?)");
            options = field.WithValue(options, field.FromJson(node));
        }
        return options;
    }
}
