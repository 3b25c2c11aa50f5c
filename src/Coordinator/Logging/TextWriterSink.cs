using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Orchestrator.Coordinator.Logging;

/// <summary>Writes formatted events to a <see cref="TextWriter"/> (a console replacement in tests, a pipe in tools).</summary>
public sealed class TextWriterSink(ITextFormatter formatter, TextWriter writer) : ILogEventSink
{
    private readonly object _gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
