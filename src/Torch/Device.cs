namespace Orchestrator.Torch;

/// <summary>Device kinds, numbered as c10::DeviceType.</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

public static partial class torch
{
    /// <summary>A device (`cpu`, `cuda`, `cuda:1`). Index -1 means "the current device of that type".</summary>
    public readonly record struct Device(DeviceType type, int index = -1)
    {
        public override string ToString() =>
            (type == DeviceType.CPU ? "cpu" : "cuda") + (index >= 0 ? $":{index}" : "");

        /// <summary>Parses `cpu`, `cuda` or `cuda:N` as torch.device does.</summary>
        public static Device Parse(string spec)
        {
            ArgumentNullException.ThrowIfNull(spec);
            var parts = spec.Trim().ToLowerInvariant().Split(':');
            var type = parts[0] switch
            {
                "cpu" => DeviceType.CPU,
                "cuda" => DeviceType.CUDA,
                _ => throw new ArgumentException($"unknown device type '{parts[0]}' in device string '{spec}' (expected cpu or cuda[:N])", nameof(spec)),
            };
            if (parts.Length == 1) return new Device(type);
            if (parts.Length == 2 && int.TryParse(parts[1], out var index) && index >= 0) return new Device(type, index);
            throw new ArgumentException($"invalid device index in device string '{spec}'", nameof(spec));
        }
    }

    public static readonly Device CPU = new(DeviceType.CPU);
    public static Device CUDA(int index = 0) => new(DeviceType.CUDA, index);
    public static Device device(string spec) => Device.Parse(spec);
    public static Device device(DeviceType type, int index = -1) => new(type, index);

    /// <summary>The dtype of floating-point factories when none is given (torch.get_default_dtype).</summary>
    public static ScalarType get_default_dtype() => ScalarType.Float32;
}
