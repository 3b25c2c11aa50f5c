using ScottPlot;
using SkiaSharp;

namespace Orchestrator.Coordinator.Report;

/// <summary>
/// The run's curves as PNG images (ScottPlot): training loss and learning rate against step, and the validation
/// metrics against epoch. Used by the run report and the model card.
/// </summary>
public static class TrainingCharts
{
    public const int Width = 900;
    public const int Height = 460;

    private static readonly Color[] Palette =
        [Color.FromHex("#2f6fde"), Color.FromHex("#e0662c"), Color.FromHex("#2f9e57"), Color.FromHex("#a544c9"), Color.FromHex("#c9a227"), Color.FromHex("#d6336c")];

    /// <summary>Training loss (left axis, with the validation loss as markers) and learning rate (right axis) against step.</summary>
    public static byte[] LossAndLearningRate(IReadOnlyList<StepRecord> steps, IReadOnlyList<EvaluationRow> evaluations)
    {
        var rates = steps.Where(s => double.IsFinite(s.LearningRate)).ToList();
        var plot = NewPlot(rates.Count > 0 ? "Training loss and learning rate" : "Training loss", "step", "loss");
        StepAxis(plot);
        var finite = steps.Where(s => double.IsFinite(s.Loss)).ToList();
        if (finite.Count > 0)
        {
            var loss = plot.Add.ScatterLine(finite.Select(s => (double)s.Step).ToArray(), finite.Select(s => s.Loss).ToArray(), Palette[0]);
            loss.LegendText = "training loss";
            loss.LineWidth = 2;
        }
        var validation = evaluations.Where(e => e.Metrics.TryGetValue("loss", out var v) && double.IsFinite(v)).ToList();
        if (validation.Count > 0)
        {
            var points = plot.Add.Scatter(validation.Select(e => (double)e.Step).ToArray(), validation.Select(e => e.Metrics["loss"]).ToArray(), Palette[2]);
            points.LegendText = "validation loss";
            points.LineWidth = 2;
            points.LinePattern = LinePattern.Dashed;
            points.MarkerSize = 8;
        }
        if (rates.Count > 0)
        {
            var rate = plot.Add.ScatterLine(rates.Select(s => (double)s.Step).ToArray(), rates.Select(s => s.LearningRate).ToArray(), Palette[1]);
            rate.LegendText = "learning rate (right axis)";
            rate.LineWidth = 2;
            rate.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "learning rate";
            plot.Axes.Right.Label.FontSize = 16;
            plot.Axes.Right.TickLabelStyle.FontSize = 13;
            plot.Axes.Right.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ScientificLabel };
        }
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Every validation metric but the loss (precision, recall, f1, accuracy...) against epoch.</summary>
    public static byte[] EvaluationMetrics(IReadOnlyList<EvaluationRow> evaluations)
    {
        var plot = NewPlot("Validation metrics per evaluation", "epoch", "score");
        // Evaluations are few (one per epoch by default): fewer, rounder epoch ticks read better than 0.05 steps.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { TickDensity = 0.5 };
        var names = evaluations.SelectMany(e => e.Metrics.Keys).Where(k => k != "loss").Distinct()
            .OrderBy(k => Array.IndexOf(MetricOrder, k) is var i && i >= 0 ? i : MetricOrder.Length).ThenBy(k => k, StringComparer.Ordinal).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var points = evaluations.Where(e => e.Metrics.TryGetValue(names[i], out var v) && double.IsFinite(v)).ToList();
            if (points.Count == 0) continue;
            var series = plot.Add.Scatter(points.Select(e => e.Epoch).ToArray(), points.Select(e => e.Metrics[names[i]]).ToArray(), Palette[i % Palette.Length]);
            series.LegendText = names[i];
            series.LineWidth = 2;
            series.MarkerSize = 8;
        }
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Training throughput (examples per second over all workers) against step.</summary>
    public static byte[] Throughput(IReadOnlyList<StepRecord> steps)
    {
        var plot = NewPlot("Throughput", "step", "samples per second");
        StepAxis(plot);
        var points = steps.Where(s => s.SamplesPerSecond is { } v && double.IsFinite(v)).ToList();
        var line = plot.Add.ScatterLine(points.Select(s => (double)s.Step).ToArray(), points.Select(s => s.SamplesPerSecond!.Value).ToArray(), Palette[0]);
        line.LineWidth = 2;
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Both main charts side by side in one image (the model card's training_curves.png).</summary>
    public static byte[] Combined(IReadOnlyList<StepRecord> steps, IReadOnlyList<EvaluationRow> evaluations)
    {
        using var left = SKBitmap.Decode(LossAndLearningRate(steps, evaluations));
        using var right = SKBitmap.Decode(EvaluationMetrics(evaluations));
        using var surface = SKSurface.Create(new SKImageInfo(left.Width + right.Width, Math.Max(left.Height, right.Height)));
        surface.Canvas.Clear(SKColors.White);
        surface.Canvas.DrawBitmap(left, 0, 0);
        surface.Canvas.DrawBitmap(right, left.Width, 0);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static readonly string[] MetricOrder = ["f1", "precision", "recall", "accuracy"];

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        UseSansFont();
        var plot = new Plot();
        plot.Title(title, size: 18);
        plot.XLabel(xLabel, size: 16);
        plot.YLabel(yLabel, size: 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Legend.FontSize = 13;
        return plot;
    }

    /// <summary>Steps are whole numbers: no 1.5 ticks on a short run.</summary>
    private static void StepAxis(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    private static string ScientificLabel(double value) =>
        value == 0 ? "0" : value.ToString("0.#E+0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A sans-serif face reads better on small charts than ScottPlot's default pick (a serif one here).</summary>
    private static void UseSansFont()
    {
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial" })
        {
            if (Fonts.GetTypeface(family, bold: false, italic: false)?.FamilyName != family) continue;
            Fonts.Default = family;
            return;
        }
    }
}
