namespace Orchestrator.Worker.Training;

/// <summary>One optimizer step as this rank saw it.</summary>
public sealed record StepResult(long GlobalStep, double Loss, double LearningRate, double GradNorm, int Samples);
