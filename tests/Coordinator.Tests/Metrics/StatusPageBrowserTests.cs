using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Orchestrator.Coordinator.Tests.Metrics;

/// <summary>
/// The status page in a real browser: Debian's chromium (installed by .ci/install-system-packages) driven by
/// Playwright, headless. The page must render, follow the run as events arrive, and draw the curves. A browser that
/// cannot start fails the test: there is no skip.
/// </summary>
public sealed class StatusPageBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>Where the test leaves its screenshot (next to the test assembly) for people and CI artifacts.</summary>
    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "artifacts", "status-page.png");

    [Fact]
    public async Task The_page_renders_follows_the_run_and_draws_growing_curves()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (bash .ci/install-system-packages)");
        await using var monitor = await LiveMonitor.StartAsync("20261202-140000-b10c4d");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Root (CI, containers) cannot use chromium's sandbox; /dev/shm is small in containers.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        // Before any step: the page renders and waits.
        await page.GotoAsync(new Uri(monitor.Server.Address, "?interval=150").ToString());
        await Expect(page, "#run-name", "tiny-ner");
        await Expect(page, "#step", "0 / 24");

        monitor.Observer.OnWorkerUp(0);
        monitor.Observer.OnWorkerUp(1);
        monitor.Steps(1, 3);
        await Expect(page, "#step", "3 / 24");
        await Expect(page, "#state", "training");
        await Expect(page, "#workers", "2 / 2");
        Assert.Equal(3, await PointCount(page, "#loss-chart", "training loss"));
        Assert.Equal(3, await PointCount(page, "#lr-chart", "learning rate"));

        // The run goes on: more steps, an evaluation, a checkpoint.
        monitor.Steps(4, 8);
        monitor.Evaluation(1);
        monitor.Observer.OnCheckpointCommitted("epoch-0001", 8);
        await Expect(page, "#checkpoints", "1 (epoch-0001)");
        Assert.Equal(8, await PointCount(page, "#loss-chart", "training loss"));
        Assert.Equal(1, await PointCount(page, "#eval-chart", "f1"));

        monitor.Steps(9, 16);
        monitor.Evaluation(2);
        monitor.Observer.OnCheckpointCommitted("epoch-0002", 16);
        monitor.Observer.OnPushesChanged(pending: 1, failed: 0);
        await Expect(page, "#pushes", "1 / 0");
        await Expect(page, "#step", "16 / 24");
        await Expect(page, "#epoch", "2.00 / 3");
        Assert.Equal(16, await PointCount(page, "#loss-chart", "training loss"));
        Assert.Equal(16, await PointCount(page, "#lr-chart", "learning rate"));
        Assert.Equal(2, await PointCount(page, "#loss-chart", "validation loss"));
        Assert.Equal(2, await PointCount(page, "#eval-chart", "f1"));
        Assert.Equal(2, await PointCount(page, "#eval-chart", "accuracy"));
        Assert.Equal(["LOC", "PER"], await page.Locator("#entities tbody tr td:first-child").AllTextContentsAsync());
        Assert.Equal("0.7500", await page.Locator("#entities tbody tr:nth-child(2) td:nth-child(4)").TextContentAsync());
        Assert.NotEqual("–", await page.Locator("#eta").TextContentAsync());
        // The loss curve falls: its last point is drawn lower (larger y) than its first.
        var ys = await page.Locator("#loss-chart polyline[data-series='training loss']").EvaluateAsync<double[]>(
            "e => e.getAttribute('points').trim().split(' ').map(p => Number(p.split(',')[1]))");
        Assert.True(ys[^1] > ys[0], "the falling loss is not drawn falling");

        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath, FullPage = true });
        output.WriteLine($"screenshot: {ScreenshotPath}");
        Assert.True(new FileInfo(ScreenshotPath).Length > 10_000);

        monitor.Observer.OnRunEnded(succeeded: true, error: null);
        await Expect(page, "#state", "done");
        Assert.Empty(errors);
    }

    /// <summary>Waits (up to 10 s) until the element's text is <paramref name="text"/>; the page polls every 150 ms.</summary>
    private static async Task Expect(IPage page, string selector, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string? seen = null;
        while (DateTime.UtcNow < deadline)
        {
            seen = await page.Locator(selector).TextContentAsync();
            if (seen == text) return;
            await Task.Delay(50);
        }
        Assert.Fail($"{selector} shows '{seen}', expected '{text}'");
    }

    /// <summary>Points of one series' polyline in a chart (0 when the series is not drawn).</summary>
    private static async Task<int> PointCount(IPage page, string chart, string series)
    {
        var line = page.Locator($"{chart} polyline[data-series='{series}']");
        if (await line.CountAsync() == 0) return 0;
        var points = await line.GetAttributeAsync("points") ?? "";
        return points.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
