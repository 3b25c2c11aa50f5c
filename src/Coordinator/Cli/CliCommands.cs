using System.CommandLine;

namespace Orchestrator.Coordinator.Cli;

/// <summary>The list of the program's subcommands, in the order `--help` shows them.</summary>
public static class CliCommands
{
    public static IEnumerable<Command> All()
    {
        yield return TrainCommand.Create();
        yield return CoordinatorCommand.Create();
        yield return WorkerCommand.Create();
        yield return EvaluateCommand.Create();
        yield return PredictCommand.Create();
        yield return GenerateCommand.Create();
        yield return ReportCommand.Create();
        yield return DoctorCommand.Create();
        yield return DataCommand.Create();
        yield return VocabCommand.Create();
        yield return TokenizeCommand.Create();
        yield return InitModelCommand.Create();
        yield return ClusterCertCommand.Create();
    }
}
