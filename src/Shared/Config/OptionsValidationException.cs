namespace Orchestrator.Shared.Config;

/// <summary>
/// Every problem found in a configuration at once (so a user fixes them in one go rather than one per run).
/// Each problem names its source: "train.yaml:4: learning_rate: ..." or "--lr: ...".
/// </summary>
public sealed class OptionsValidationException(IReadOnlyList<string> problems)
    : Exception(problems.Count == 1
        ? "Invalid configuration: " + problems[0]
        : "Invalid configuration:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
