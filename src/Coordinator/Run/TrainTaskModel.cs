using Orchestrator.Shared.Config;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Run;

internal static class TrainTaskModel
{
    /// <summary>The model a task trains: sequence classification for classification, an encoder-decoder for seq2seq, token classification otherwise.</summary>
    public static ModelTask ModelTask(this TrainTask task) => task switch
    {
        TrainTask.Classification => Worker.Models.ModelTask.SequenceClassification,
        TrainTask.Seq2Seq => Worker.Models.ModelTask.Seq2Seq,
        _ => Worker.Models.ModelTask.TokenClassification,
    };
}
