using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Shared.Config;

/// <summary>
/// A stable fingerprint of the options that shape the training trajectory (<see cref="TrainOptionAttribute.Trajectory"/>):
/// SHA-256 of canonical JSON (keys sorted, resolved values). Logging, evaluation, saving and push options are left out,
/// so they may change when a run is resumed; everything that changes the weights may not.
/// </summary>
public static class ConfigurationHash
{
    public static string Compute(TrainOptions options)
    {
        var canonical = CanonicalJson(options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The hashed text, exposed so a mismatch can be diagnosed.</summary>
    public static string CanonicalJson(TrainOptions options)
    {
        var resolved = options.Resolve();
        var json = new JsonObject();
        foreach (var field in TrainOptionFields.All.Where(f => f.Trajectory).OrderBy(f => f.Key, StringComparer.Ordinal))
            json[field.Key] = field.ToJson(resolved);
        return json.ToJsonString();
    }
}
