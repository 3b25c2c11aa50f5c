namespace Orchestrator.Torch.Safetensors;

/// <summary>
/// One tensor described by a safetensors header. <see cref="Begin"/> and <see cref="End"/> are byte offsets
/// relative to the start of the data buffer (which follows the header).
/// </summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ByteCount => End - Begin;

    /// <summary>The element type, or null for a dtype the format defines but we cannot hold (e.g. I8).</summary>
    public ScalarType? ScalarType => SafetensorsDType.ToScalarType(DType);
}
