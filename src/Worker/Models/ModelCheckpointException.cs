namespace Orchestrator.Worker.Models;

/// <summary>A checkpoint whose weights do not fit the model being built (missing tensors, wrong shapes, another head).</summary>
public class ModelCheckpointException(string message) : Exception(message);

/// <summary>The checkpoint's classification head has a different number of labels than the run asks for.</summary>
public sealed class LabelCountMismatchException(string checkpoint, int checkpointLabels, int requestedLabels)
    : ModelCheckpointException(
        $"{checkpoint}: the checkpoint's classification head has {checkpointLabels} labels but {requestedLabels} labels were requested. " +
        "Pass --ignore-mismatched-sizes to replace the head with a newly initialised one (its trained weights are discarded), " +
        "or use labels that match the checkpoint's id2label.")
{
    public int CheckpointLabels { get; } = checkpointLabels;
    public int RequestedLabels { get; } = requestedLabels;
}
