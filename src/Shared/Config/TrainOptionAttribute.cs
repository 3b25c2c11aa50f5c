namespace Orchestrator.Shared.Config;

/// <summary>
/// Declares a <see cref="TrainOptions"/> property as a configuration key. The same declaration drives the YAML
/// loader, the command line, run.json, the configuration hash and docs/configuration.md, so they cannot drift.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TrainOptionAttribute(string key, string description) : Attribute
{
    /// <summary>The snake_case YAML / run.json key (Hugging Face TrainingArguments' name where one exists).</summary>
    public string Key { get; } = key;

    public string Description { get; } = description;

    /// <summary>
    /// True when a different value gives different weights (learning rate, batch size, seed...). Only these
    /// keys enter the configuration hash, so changing e.g. logging_steps between a run and its resume is allowed.
    /// </summary>
    public bool Trajectory { get; init; }

    /// <summary>Extra command-line names besides --key-in-kebab-case (e.g. "--epochs", "--lr").</summary>
    public string[] Aliases { get; init; } = [];
}
