namespace Orchestrator.Coordinator.Metrics;

/// <summary>
/// The status page (StatusPage.html, embedded in the assembly): one self-contained HTML file with inline CSS and
/// JavaScript that polls <c>api/status</c> and draws the curves as SVG itself (no CDN, nothing else to fetch).
/// </summary>
public static class StatusPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream("Orchestrator.Coordinator.Metrics.StatusPage.html")
            ?? throw new InvalidOperationException("the status page is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
