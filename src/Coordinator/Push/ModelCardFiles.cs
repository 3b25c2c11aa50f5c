using Orchestrator.Coordinator.Report;

namespace Orchestrator.Coordinator.Push;

/// <summary>
/// Writes a pushed model's card: README.md (<see cref="ModelCard"/>) and, when the run has logged any curve,
/// training_curves.png beside it (training loss against step, validation metrics against epoch), which the card links.
/// </summary>
public static class ModelCardFiles
{
    public const string ReadmeFileName = "README.md";
    public const string CurvesFileName = "training_curves.png";

    public static void Write(string folder, ModelCardInput card)
    {
        if (ModelCard.HasCurves(card))
            File.WriteAllBytes(Path.Combine(folder, CurvesFileName), Curves(card));
        File.WriteAllText(Path.Combine(folder, ReadmeFileName), ModelCard.Generate(card));
    }

    public static byte[] Curves(ModelCardInput card) => TrainingCharts.Combined(
        card.TrainingLoss.Select(p => new StepRecord(p.Step, p.Epoch, p.Loss, double.NaN, null)).ToList(),
        card.Evaluations.Select(e => new EvaluationRow(e.Epoch, e.Step, e.Metrics)).ToList());
}
