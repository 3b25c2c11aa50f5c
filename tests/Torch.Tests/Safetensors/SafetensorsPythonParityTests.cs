using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Torch.Safetensors;

namespace Orchestrator.Torch.Tests.Safetensors;

/// <summary>
/// Cross-checks with an independent implementation: tests/parity/safetensors_reference.py (struct + json +
/// torch.frombuffer on PyTorch) reads what we write and writes what we read, compared as dtype, shape and
/// the exact element bytes.
/// </summary>
public class SafetensorsPythonParityTests
{
    private const string Python = "/usr/bin/python3";

    private static readonly Dictionary<ScalarType, string> TorchDTypes = new()
    {
        [ScalarType.Float32] = "torch.float32", [ScalarType.Float16] = "torch.float16", [ScalarType.BFloat16] = "torch.bfloat16",
        [ScalarType.Float64] = "torch.float64", [ScalarType.Int64] = "torch.int64", [ScalarType.Int32] = "torch.int32",
        [ScalarType.Bool] = "torch.bool",
    };

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "parity", "safetensors_reference.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("tests/parity/safetensors_reference.py not found above " + AppContext.BaseDirectory);
    }

    private sealed record Description(Dictionary<string, string> Metadata, Dictionary<string, TensorDescription> Tensors);

    private sealed record TensorDescription(string DType, long[] Shape, string Hex);

    private static Description RunReference(string command, string path)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Script(), command, path }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the Python reference did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"python {command} failed: {stderr.Result}");
        return JsonSerializer.Deserialize<Description>(stdout, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    private static Dictionary<string, torch.Tensor> OurTensors() => new()
    {
        ["encoder.layer.0.attention.self.query.weight"] = torch.tensor(new float[] { 0.1f, -2.5f, 3e-8f, float.NegativeInfinity, 1e30f, -0f }, [2, 3]),
        ["half"] = torch.tensor(new[] { (Half)0.333, (Half)(-7), Half.MaxValue }, [3, 1]),
        ["brain"] = torch.from_bytes(new byte[] { 0x80, 0x3F, 0x20, 0xC0, 0x49, 0x40, 0x80, 0x7F }, ScalarType.BFloat16, [2, 2]),
        ["double"] = torch.tensor(new[] { Math.E, -1e-300 }),
        ["position_ids"] = torch.tensor(new long[] { 0, 1, 2, 3, long.MaxValue, long.MinValue }, [1, 6]),
        ["labels"] = torch.tensor(new[] { -100, 4, 7 }),
        ["mask"] = torch.tensor(new[] { true, false, true, true, false, false }, [2, 3]),
        ["scalar"] = torch.tensor(new[] { 42.5f }, []),
        ["scalar_bool"] = torch.tensor(new[] { true }, []),
        ["empty"] = torch.zeros([0, 5], ScalarType.Int64),
        ["ünïcode.名前"] = torch.tensor(new[] { 1 }),
    };

    [Fact]
    public void TheIndependentReaderLoadsWhatWeWriteIntoIdenticalTensors()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var tensors = OurTensors();
        var path = folder.File("ours.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "written by Orchestrator" };
        SafetensorsWriter.Write(path, tensors, metadata);

        var read = RunReference("read", path);

        Assert.Equal(metadata, read.Metadata);
        Assert.Equal(tensors.Keys.Order(), read.Tensors.Keys.Order());
        foreach (var (name, tensor) in tensors)
        {
            var python = read.Tensors[name];
            Assert.Equal(TorchDTypes[tensor.dtype], python.DType);
            Assert.Equal(tensor.shape, python.Shape);
            Assert.Equal(Convert.ToHexStringLower(tensor.bytes()), python.Hex);
        }
    }

    [Fact]
    public void WeReadWhatTheIndependentWriterWritesIntoIdenticalTensors()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var path = folder.File("python.safetensors");

        var written = RunReference("write", path);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(written.Metadata, file.Metadata);
        var loaded = file.ReadAll();
        Assert.Equal(written.Tensors.Keys.Order(), loaded.Keys.Order());
        Assert.Contains(written.Tensors.Values, t => t.DType == "torch.bfloat16");
        Assert.Contains(written.Tensors.Values, t => t.Shape.Length == 0);
        Assert.Contains(written.Tensors.Values, t => t.Shape.Contains(0));
        foreach (var (name, python) in written.Tensors)
        {
            Assert.Equal(python.DType, TorchDTypes[loaded[name].dtype]);
            Assert.Equal(python.Shape, loaded[name].shape);
            Assert.Equal(python.Hex, Convert.ToHexStringLower(loaded[name].bytes()));
        }
    }
}
