using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch.Distributed;

/// <summary>
/// GPU collectives with NCCL, available only when the shim was built against a CUDA libtorch
/// (<see cref="torch.distributed.is_nccl_available"/>); otherwise the constructor raises
/// <see cref="TorchException"/> saying so. Tensors must be on this rank's CUDA device.
/// </summary>
public sealed class ProcessGroupNccl(Store store, int rank, int worldSize, TimeSpan timeout)
    : ProcessGroup(NativeMethods.orc_pg_nccl_create(store.Handle, rank, worldSize, Store.ToMilliseconds(timeout)), rank, worldSize, timeout)
{
    public override string Backend => "nccl";
}
