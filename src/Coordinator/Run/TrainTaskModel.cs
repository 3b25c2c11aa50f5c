using Orchestrator.Shared.Config;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Run;

internal static class TrainTaskModel
{
    /// <summary>The model head a task trains: sequence classification for classification, token classification otherwise.</summary>
    public static ModelTask ModelTask(this TrainTask task) =>
        task == TrainTask.Classification ? Worker.Models.ModelTask.SequenceClassification : Worker.Models.ModelTask.TokenClassification;
}
