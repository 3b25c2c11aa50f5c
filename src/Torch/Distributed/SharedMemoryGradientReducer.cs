namespace Orchestrator.Torch.Distributed;

/// <summary>
/// Sums a flat gradient across ranks that share a machine, once backward is done (<see cref="SharedMemoryAllReduce"/>).
/// Unlike <see cref="GradientReducer"/> it does not overlap with backward: the sum takes about a millisecond, and
/// on a machine whose cores all compute, an overlapped sum would only take them from backward.
/// </summary>
public sealed class SharedMemoryGradientReducer(SharedMemoryAllReduce shared, torch.Tensor flatGradient) : IGradientReducer
{
    public void Arm() { }

    public void Finish() => shared.Sum(flatGradient);

    public void Dispose() { }   // the segment and the gradient belong to their owners
}
