namespace Orchestrator.Coordinator.Push;

/// <summary>
/// Push one checkpoint folder. <see cref="Label"/> names it in logs and commit messages ("epoch 3", "step 500");
/// <see cref="IsFinal"/> marks the model the run ends with (never coalesced away). <see cref="Card"/>, when given,
/// becomes the README.md model card.
/// </summary>
public sealed record PushRequest(string CheckpointDirectory, string Label, bool IsFinal = false)
{
    public ModelCardInput? Card { get; init; }

    /// <summary>Hugging Face Trainer's commit messages.</summary>
    public string CommitMessage => IsFinal ? "End of training" : $"Training in progress, {Label}";

    /// <summary>The checkpoint folder's own name (e.g. epoch-0003).</summary>
    public string CheckpointName => Path.GetFileName(Path.TrimEndingDirectorySeparator(CheckpointDirectory));
}

/// <summary>Somewhere checkpoints are published: a mounted folder, a git remote (a Hugging Face model repo is one).</summary>
public interface IPushDestination
{
    /// <summary>How logs name the destination; never contains credentials.</summary>
    string Description { get; }

    /// <summary>Publishes the checkpoint; throws on failure (the pusher retries). Must be safe to repeat.</summary>
    Task PushAsync(PushRequest request, CancellationToken cancellationToken);
}
