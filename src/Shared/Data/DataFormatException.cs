namespace Orchestrator.Shared.Data;

/// <summary>
/// Malformed input data. Always names the file, the 1-based line (0 when the problem concerns the
/// whole file) and the field, so a user can open the file at the right place.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string file, int line, string field, string message, Exception? inner = null)
        : base(Format(file, line, field, message), inner)
    {
        File = file;
        Line = line;
        Field = field;
        Reason = message;
    }

    public string File { get; }
    public int Line { get; }
    public string Field { get; }
    /// <summary>The message without the location prefix.</summary>
    public string Reason { get; }

    private static string Format(string file, int line, string field, string message) =>
        line > 0 ? $"{file}:{line}: {field}: {message}" : $"{file}: {field}: {message}";
}
