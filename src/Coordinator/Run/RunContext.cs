using Orchestrator.Coordinator.Push;
using Orchestrator.Shared.Checkpoints;
using Orchestrator.Shared.Config;
using Serilog;

namespace Orchestrator.Coordinator.Run;

/// <summary>What the coordinator is handed: the prepared inputs, the run folder and the services it drives.</summary>
public sealed record RunContext(
    PreparedRun Prepared,
    RunFolderState Folder,
    ILogger Logger,
    CheckpointStore Checkpoints,
    ArtifactPusher Pusher,
    IRunObserver Observer,
    CheckpointInfo? Resume)
{
    public TrainOptions Options => Prepared.Options;
    public TrainingPlan Plan => Prepared.Plan;
    /// <summary>The final model is written to a folder of this prefix in the run folder, then renamed to model/.</summary>
    public const string UnfinishedModelPrefix = ".tmp-model-";

    public string FinalModelDirectory => Path.Combine(Folder.Directory, "model");

    /// <summary>How long a collective may wait for a peer before it raises (never the 30 minutes of NCCL's default).</summary>
    public TimeSpan CollectiveTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The name workers reach this coordinator's TCPStore by (127.0.0.1 for local workers, a DNS name in a cluster).</summary>
    public string StoreHost { get; init; } = "127.0.0.1";

    /// <summary>How long the coordinator waits for the expected workers (at the start, and for a replacement) before the run fails.</summary>
    public TimeSpan WorkerJoinTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
