using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Orchestrator.Coordinator.Metrics;

/// <summary>
/// The coordinator's HTTP endpoint for watching a run (Kestrel, from the shared framework):
/// <c>/metrics</c> Prometheus exposition text (prometheus-net's middleware over the run's own registry),
/// <c>/api/status</c> the status page's JSON, and <c>/</c> the status page itself.
/// </summary>
public sealed class MetricsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where the server listens, e.g. http://127.0.0.1:9464/ (the port the OS chose when asked for 0).</summary>
    public Uri Address { get; }

    /// <param name="host">An IP address to listen on (0.0.0.0 or :: for every interface), or "localhost".</param>
    /// <param name="port">A TCP port; 0 lets the OS pick a free one (see <see cref="Address"/>).</param>
    public static async Task<MetricsServer> StartAsync(string host, int port, RunMetrics metrics, RunStatus status, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(MetricsServer).Assembly.GetName().Name });
        // The run's Serilog logger reports what matters (the address); ASP.NET's own console logging would tear the progress bar.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (host == "localhost") kestrel.ListenLocalhost(port);
            else kestrel.Listen(IPAddress.Parse(host), port);
        });
        var app = builder.Build();
        app.MapMetrics(settings => settings.Registry = metrics.Registry, "/metrics");
        app.MapGet("/api/status", () => Results.Json(status.Snapshot(), StatusSnapshot.Json));
        app.MapGet("/", () => Results.Content(StatusPage.Html, "text/html; charset=utf-8"));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Kestrel reports a wildcard bind as http://[::]:port or http://0.0.0.0:port; keep what it reports.
        return new MetricsServer(app, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
