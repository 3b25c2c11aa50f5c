namespace Orchestrator.Coordinator.Tests;

/// <summary>
/// Tests that read libtorch's process-wide live-tensor count (the doctor's leak check) must not run
/// while other test classes train in this process: this collection runs alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTensorCount
{
    public const string Name = "process-wide tensor count";
}
