namespace Orchestrator.Worker.Inference;

/// <summary>One sequence to run through the model: token ids and segment ids, special tokens included.</summary>
public sealed record ModelInput(int[] InputIds, int[] TokenTypeIds)
{
    public int Length => InputIds.Length;
}
