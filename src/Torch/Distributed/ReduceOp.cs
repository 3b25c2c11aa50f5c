namespace Orchestrator.Torch.Distributed;

/// <summary>Reduction of an allreduce. Codes are the shim's (native/src/distributed.cpp).</summary>
public enum ReduceOp
{
    Sum = 0,
    /// <summary>Sum divided by the group size (Gloo: a sum, then an in-place division; floating-point tensors only).</summary>
    Avg = 1,
    Product = 2,
    Min = 3,
    Max = 4,
}
