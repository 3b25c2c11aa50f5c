namespace Orchestrator.Torch.Tests;

/// <summary>
/// Tests asserting on <see cref="torch.LiveTensorCount"/> (process-wide) must not overlap with other tests
/// creating tensors: this collection runs on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveTensorCountCollection
{
    public const string Name = "Live tensor count";

    /// <summary>The live count once finalizers of tensors other tests forgot have run (they would change it mid-test).</summary>
    public static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return torch.LiveTensorCount;
    }
}
