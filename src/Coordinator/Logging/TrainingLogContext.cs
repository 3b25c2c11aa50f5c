using Serilog;
using Serilog.Context;

namespace Orchestrator.Coordinator.Logging;

/// <summary>Adds the training position (Epoch, Step) to log events, either on a logger or for a scope.</summary>
public static class TrainingLogContext
{
    public const string EpochProperty = "Epoch";
    public const string StepProperty = "Step";

    /// <summary>A logger whose events carry Epoch and Step (Serilog's ForContext; cheap, no allocation per event).</summary>
    public static ILogger ForStep(this ILogger logger, int epoch, int step) =>
        logger.ForContext(EpochProperty, epoch).ForContext(StepProperty, step);

    /// <summary>Every event logged in this async flow until disposal carries Epoch and Step (needs Enrich.FromLogContext).</summary>
    public static IDisposable Push(int epoch, int step)
    {
        var epochScope = LogContext.PushProperty(EpochProperty, epoch);
        var stepScope = LogContext.PushProperty(StepProperty, step);
        return new Scopes(stepScope, epochScope);
    }

    private sealed class Scopes(IDisposable inner, IDisposable outer) : IDisposable
    {
        public void Dispose()
        {
            inner.Dispose();
            outer.Dispose();
        }
    }
}
