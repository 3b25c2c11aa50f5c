namespace Orchestrator.Coordinator.Run;

/// <summary>Input that makes a run impossible, found before anything is written (exit code 2).</summary>
public sealed class RunInputException(string message, Exception? inner = null) : Exception(message, inner);
