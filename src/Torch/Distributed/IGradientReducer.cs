namespace Orchestrator.Torch.Distributed;

/// <summary>
/// Sums the gradients of a step across the ranks of a group: <see cref="Arm"/> before the backward that makes them
/// final, <see cref="Finish"/> after it; every gradient then holds the sum.
/// </summary>
public interface IGradientReducer : IDisposable
{
    void Arm();

    void Finish();
}
