using Orchestrator.Shared.Cluster;
using Orchestrator.Shared.Data;
using Orchestrator.Worker.Training;

namespace Orchestrator.Worker;

// The worker actor's protocol. A worker registers with the coordinator; the coordinator then sends requests
// and each request is answered with one reply (or WorkerFailed). TrainProgress is sent unasked every few steps.
// Every message here may cross the network (IClusterMessage): they carry indices and settings, never the dataset.

/// <summary>A worker actor announces itself to the coordinator: which device it drives, and from which host and process.</summary>
public sealed record RegisterWorker(string Device, string Host, int ProcessId) : IClusterMessage;

/// <summary>Read and encode the run's data from its data path, as the coordinator did (options as run.json writes them).</summary>
public sealed record PrepareData(string RunId, string OptionsJson) : IClusterMessage;

/// <summary>The worker holds the run's data: the fingerprint of its encoded splits and tokenizer, to compare with the coordinator's.</summary>
public sealed record DataPrepared(string Device, string DataFingerprint) : IClusterMessage;

/// <summary>
/// Join process group <paramref name="Generation"/> (keys under its own prefix in the coordinator's store) and
/// build the replica; restore a checkpoint's weights, optimizer and RNG state if given. A worker that already had
/// a replica (a group re-formed after a lost worker) drops it first. WorkersOnHost is how many ranks share this
/// worker's machine: each takes its share of the cores for libtorch's kernels.
/// </summary>
public sealed record InitializeWorker(
    int Rank, int WorldSize, int Generation, string StoreHost, int StorePort, TimeSpan CollectiveTimeout,
    WorkerRestore? Restore, int WorkersOnHost) : IClusterMessage;

/// <summary>Where a replica continues from: the checkpoint folder, the step, and this rank's RNG stream.</summary>
public sealed record WorkerRestore(string CheckpointDirectory, long CompletedSteps, byte[]? RngState) : IClusterMessage;

public sealed record WorkerReady(int Rank, int Generation, long CompletedSteps) : IClusterMessage;

/// <summary>
/// A peer is gone: abort the process group of <paramref name="Generation"/> so a collective waiting for it fails at
/// once instead of at the timeout. The worker then waits for the next InitializeWorker.
/// </summary>
public sealed record AbortGroup(int Generation) : IClusterMessage;

/// <summary>Train optimizer steps [FirstStep, EndStep) of an epoch over this rank's shard of the epoch's order.</summary>
public sealed record TrainSegment(int Epoch, int FirstStep, int EndStep, int[] Shard, int ProgressEvery) : IClusterMessage;

public sealed record TrainProgress(int Rank, int Epoch, long GlobalStep, double Loss, double LearningRate, double GradNorm, double SamplesPerSecond) : IClusterMessage;

public sealed record SegmentDone(int Rank, int Epoch, long GlobalStep, double MeanLoss, double SamplesPerSecond, byte[] RngState) : IClusterMessage;

/// <summary>Evaluate this rank's shard of the validation set; positions from RealCount on are repeats.</summary>
public sealed record EvaluateShard(int[] Shard, int RealCount) : IClusterMessage;

/// <summary>Rank 0's reply carries every rank's gathered predictions (sent in chunks when large, see MessageChunks).</summary>
public sealed record EvaluationDone(int Rank, GatheredPredictions Gathered, double Loss, double GatherShare) : IClusterMessage;

/// <summary>Copy the model and optimizer state of this step, to be written while training goes on.</summary>
public sealed record SnapshotCheckpoint(long Step) : IClusterMessage;

public sealed record CheckpointSnapshotted(int Rank, long Step) : IClusterMessage;

/// <summary>
/// Write a checkpoint's files (model, config, tokenizer files, and the optimizer unless told otherwise)
/// into a folder: from the snapshot of <paramref name="SnapshotStep"/>, or from the weights as they are now.
/// The folder is in the run folder (a shared volume in a cluster), so rank 0 writes where the coordinator commits.
/// </summary>
public sealed record WriteCheckpointFiles(long? SnapshotStep, string Directory, string TokenizerSource, bool IncludeOptimizer = true) : IClusterMessage;

public sealed record CheckpointFilesWritten(int Rank, string Directory) : IClusterMessage;

/// <summary>Load the weights of a saved model folder (the best checkpoint at the end of a run).</summary>
public sealed record LoadWeights(string Directory) : IClusterMessage;

public sealed record WeightsLoaded(int Rank) : IClusterMessage;

/// <summary>
/// A request failed on a worker. <paramref name="Generation"/> is the process group generation the request belonged
/// to (null for data preparation, which belongs to none): a failure of a generation the coordinator has already given
/// up is stale, the echo of the peer it lost.
/// </summary>
public sealed record WorkerFailed(int Rank, string Request, string Error, int? Generation = null) : IClusterMessage;

/// <summary>
/// Published on the actor system's event stream (never sent over the network) by a worker actor as it stops, so the
/// worker process knows how to end: <paramref name="RunCompleted"/> when the coordinator said the run is complete
/// (exit 0), false when the run failed or the coordinator is gone (exit 1: the Job's restart policy or the local
/// launcher starts the process again, to rejoin a restarted coordinator). It reaches the process's guard before
/// the worker's Terminated does.
/// </summary>
public sealed record WorkerStopping(string Device, bool RunCompleted, string Reason);

/// <summary>
/// The run is over for this worker: it stops (a worker process ends once its last worker actor has stopped).
/// <paramref name="RunFailed"/>: the run ended in a failure, so the process exits with a failure code.
/// </summary>
public sealed record StopWorker(string Reason, bool RunFailed = false) : IClusterMessage;

// ---- not messages: what a worker builds from PrepareData -----------------------------------------------------

/// <summary>The encoded splits and how to batch them.</summary>
public sealed record WorkerData(IReadOnlyList<EncodedExample> Train, IReadOnlyList<EncodedExample> Validation, Collator Collator, int TrainBatchSize, int EvalBatchSize);

/// <summary>What a worker prepares from the run's options: its data, its replica's settings and the data's fingerprint.</summary>
public sealed record PreparedWorkerData(WorkerData Data, ReplicaSettings Settings, string DataFingerprint);

/// <summary>Reads and encodes a run's data on the worker (the coordinator's own preparation, reused by the host).</summary>
public delegate PreparedWorkerData WorkerDataLoader(PrepareData request);
