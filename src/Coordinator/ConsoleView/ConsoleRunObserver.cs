using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Metrics;
using Orchestrator.Worker;
using Spectre.Console;

namespace Orchestrator.Coordinator.ConsoleView;

/// <summary>Feeds the progress bar and prints each evaluation as a table (also when the bar is off).</summary>
public sealed class ConsoleRunObserver(TrainingProgressView view, IAnsiConsole console, bool printTables) : IRunObserver
{
    public void OnProgress(TrainProgress progress, int totalSteps) =>
        view.Report(progress.Epoch + 1, (int)progress.GlobalStep, totalSteps, progress.Loss, progress.LearningRate, progress.SamplesPerSecond);

    public void OnEvaluation(int epoch, long step, IReadOnlyDictionary<string, double> metrics, SeqevalResult? entities)
    {
        var perType = entities?.PerType.Select(t => new TypeScores(t.Key, t.Value.Precision, t.Value.Recall, t.Value.F1, t.Value.Number)).ToList()
            ?? [];
        var report = new EvaluationReport(metrics, perType) { Epoch = epoch, Step = (int)step };
        if (view.IsEnabled) view.EndEpoch(epoch, report);
        else if (printTables) EvaluationTable.Render(console, report);
    }
}
