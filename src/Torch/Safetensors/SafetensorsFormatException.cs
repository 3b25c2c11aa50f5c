namespace Orchestrator.Torch.Safetensors;

/// <summary>
/// A safetensors file (or sharded index) that is truncated, malformed, hostile or uses a dtype we cannot hold.
/// The message names the file, then the tensor and field at fault when there is one.
/// </summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException(string path, string? tensorName, string? field, string detail, Exception? inner = null)
        : base(Compose(path, tensorName, field, detail), inner)
    {
        Path = path;
        TensorName = tensorName;
        Field = field;
        Detail = detail;
    }

    /// <summary>The file at fault.</summary>
    public string Path { get; }

    /// <summary>The tensor (header key) at fault, if any.</summary>
    public string? TensorName { get; }

    /// <summary>The header field at fault ("dtype", "shape[1]", "data_offsets", "__metadata__.format", "header length"...), if any.</summary>
    public string? Field { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Detail { get; }

    private static string Compose(string path, string? tensorName, string? field, string detail)
    {
        var where = (tensorName, field) switch
        {
            (null, null) => "",
            (null, _) => $" field '{field}':",
            (_, null) => $" tensor '{tensorName}':",
            _ => $" tensor '{tensorName}' field '{field}':",
        };
        return $"{path}:{where} {detail}";
    }
}
