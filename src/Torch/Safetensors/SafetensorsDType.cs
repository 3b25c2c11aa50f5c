namespace Orchestrator.Torch.Safetensors;

/// <summary>
/// The safetensors dtype names. Every name the format defines is recognised (so its byte size can be
/// validated); only those with a libtorch element type we expose map to a <see cref="ScalarType"/>.
/// </summary>
public static class SafetensorsDType
{
    // Order follows the reference Dtype enum: the writer sorts by it (descending) so that larger
    // elements come first and every tensor's data stays aligned to its element size.
    private static readonly (string Name, int Bits, ScalarType? Type)[] Table =
    [
        ("BOOL", 8, ScalarType.Bool),
        ("F4", 4, null),
        ("F6_E2M3", 6, null),
        ("F6_E3M2", 6, null),
        ("U8", 8, null),
        ("I8", 8, null),
        ("F8_E5M2", 8, null),
        ("F8_E4M3", 8, null),
        ("F8_E8M0", 8, null),
        ("I16", 16, null),
        ("U16", 16, null),
        ("F16", 16, ScalarType.Float16),
        ("BF16", 16, ScalarType.BFloat16),
        ("I32", 32, ScalarType.Int32),
        ("U32", 32, null),
        ("F32", 32, ScalarType.Float32),
        ("F64", 64, ScalarType.Float64),
        ("I64", 64, ScalarType.Int64),
        ("U64", 64, null),
    ];

    /// <summary>Names that map to a tensor element type here.</summary>
    public static IReadOnlyList<string> Supported { get; } =
        Table.Where(d => d.Type is not null).Select(d => d.Name).ToArray();

    public static bool IsKnown(string name) => Rank(name) >= 0;

    /// <summary>Position in the reference enum (-1 if unknown).</summary>
    internal static int Rank(string name) => Array.FindIndex(Table, d => d.Name == name);

    /// <summary>Bits per element of a known dtype.</summary>
    internal static int Bits(string name) => Table[Rank(name)].Bits;

    /// <summary>The element type for a known name, or null when the format defines it but we cannot hold it.</summary>
    public static ScalarType? ToScalarType(string name)
    {
        var rank = Rank(name);
        return rank < 0 ? null : Table[rank].Type;
    }

    public static string FromScalarType(ScalarType type) =>
        Array.Find(Table, d => d.Type == type).Name
        ?? throw new NotSupportedException($"tensors of element type {type} cannot be stored in safetensors here (supported: {string.Join(", ", Supported)})");
}
