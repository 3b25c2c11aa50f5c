// Tests read process-wide state (live tensor count, the default generator, RSS): run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Orchestrator.Torch.Tests
{
    internal static class LiveTensors
    {
        /// <summary>
        /// The live tensor count once garbage left by earlier tests has been finalized, so a finalizer
        /// running mid-test cannot move the count.
        /// </summary>
        public static long Settled()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return torch.LiveTensorCount;
        }
    }
}
