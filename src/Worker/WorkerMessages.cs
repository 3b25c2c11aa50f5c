using Orchestrator.Shared.Data;
using Orchestrator.Worker.Training;

namespace Orchestrator.Worker;

// The worker actor's protocol. The coordinator sends the requests; each request is answered with one
// reply to its sender (or WorkerFailed). TrainProgress is sent unasked every few steps.

/// <summary>The encoded splits and how to batch them; in-process workers share the coordinator's arrays.</summary>
public sealed record WorkerData(IReadOnlyList<EncodedExample> Train, IReadOnlyList<EncodedExample> Validation, Collator Collator, int TrainBatchSize, int EvalBatchSize);

/// <summary>
/// Join the process group and build the replica; restore a checkpoint's optimizer and RNG state if given.
/// IntraOpThreads is this worker's share of the cores for libtorch's kernels.
/// </summary>
public sealed record InitializeWorker(
    int Rank, int WorldSize, string StoreHost, int StorePort, TimeSpan CollectiveTimeout,
    ReplicaSettings Settings, WorkerData Data, WorkerRestore? Restore, int IntraOpThreads);

/// <summary>Where a resumed replica continues from: the checkpoint folder, the step, and this rank's RNG stream.</summary>
public sealed record WorkerRestore(string CheckpointDirectory, long CompletedSteps, byte[]? RngState);

public sealed record WorkerReady(int Rank, long CompletedSteps);

/// <summary>Train optimizer steps [FirstStep, EndStep) of an epoch over this rank's shard of the epoch's order.</summary>
public sealed record TrainSegment(int Epoch, int FirstStep, int EndStep, int[] Shard, int ProgressEvery);

public sealed record TrainProgress(int Rank, int Epoch, long GlobalStep, double Loss, double LearningRate, double GradNorm, double SamplesPerSecond);

public sealed record SegmentDone(int Rank, int Epoch, long GlobalStep, double MeanLoss, double SamplesPerSecond, byte[] RngState);

/// <summary>Evaluate this rank's shard of the validation set; positions from RealCount on are repeats.</summary>
public sealed record EvaluateShard(int[] Shard, int RealCount);

public sealed record EvaluationDone(int Rank, GatheredPredictions Gathered, double Loss);

/// <summary>Copy the model and optimizer state of this step, to be written while training goes on.</summary>
public sealed record SnapshotCheckpoint(long Step);

public sealed record CheckpointSnapshotted(int Rank, long Step);

/// <summary>
/// Write a checkpoint's files (model, config, tokenizer files, and the optimizer unless told otherwise)
/// into a folder: from the snapshot of <paramref name="SnapshotStep"/>, or from the weights as they are now.
/// </summary>
public sealed record WriteCheckpointFiles(long? SnapshotStep, string Directory, string TokenizerSource, bool IncludeOptimizer = true);

public sealed record CheckpointFilesWritten(int Rank, string Directory);

/// <summary>Load the weights of a saved model folder (the best checkpoint at the end of a run).</summary>
public sealed record LoadWeights(string Directory);

public sealed record WeightsLoaded(int Rank);

public sealed record WorkerFailed(int Rank, string Request, string Error);
