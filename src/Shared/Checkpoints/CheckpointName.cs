using System.Text.RegularExpressions;

namespace Orchestrator.Shared.Checkpoints;

/// <summary>Checkpoint folder names: <c>epoch-0003</c>, <c>step-000500</c> (zero-padded so they sort).</summary>
public static partial class CheckpointName
{
    public const string TemporaryPrefix = ".tmp-";
    public const string LatestFileName = "latest";

    public static string ForEpoch(int epoch) =>
        epoch >= 0 ? $"epoch-{epoch:D4}" : throw new ArgumentOutOfRangeException(nameof(epoch));

    public static string ForStep(long step) =>
        step >= 0 ? $"step-{step:D6}" : throw new ArgumentOutOfRangeException(nameof(step));

    /// <summary>Lower-case letters, digits, '-' and '_'; never starting with '.' (reserved for temporaries).</summary>
    public static bool IsValid(string name) => ValidName().IsMatch(name) && name != LatestFileName;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,99}$")]
    private static partial Regex ValidName();
}
