namespace Orchestrator.Worker.Training;

/// <summary>One optimizer step as this rank saw it; <see cref="Loss"/> is the step's global mean loss over all ranks.</summary>
public sealed record StepResult(long GlobalStep, double Loss, double LearningRate, double GradNorm, int Samples);
