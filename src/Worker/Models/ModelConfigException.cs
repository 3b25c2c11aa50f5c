namespace Orchestrator.Worker.Models;

/// <summary>A config.json (or a checkpoint folder) that cannot describe a supported model; names the file and the field.</summary>
public sealed class ModelConfigException(string path, string field, string detail)
    : Exception($"{path}: field '{field}': {detail}")
{
    public string Path { get; } = path;
    public string Field { get; } = field;
    public string Detail { get; } = detail;
}
