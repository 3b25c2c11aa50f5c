using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Orchestrator.Torch.Safetensors;

namespace Orchestrator.Torch.Tests.Safetensors;

public class SafetensorsRoundTripTests
{
    private static readonly byte[] BFloat16Bits =
        // 1.0, -2.5, 0.0, 3.140625, -inf, 65280 (bfloat16 bit patterns, little-endian)
        [0x80, 0x3F, 0x20, 0xC0, 0x00, 0x00, 0x49, 0x40, 0x80, 0xFF, 0x7F, 0x47];

    public static TheoryData<string, Func<torch.Tensor>, ScalarType> EveryDType() => new()
    {
        { "F32", () => torch.tensor(new float[] { 1.5f, -2f, float.MaxValue, float.Epsilon, 0f, -0f }, [2, 3]), ScalarType.Float32 },
        { "F16", () => torch.tensor(new[] { (Half)1.5, (Half)(-65504), Half.Epsilon, Half.NegativeInfinity }, [4, 1]), ScalarType.Float16 },
        { "BF16", () => torch.from_bytes(BFloat16Bits, ScalarType.BFloat16, [3, 2]), ScalarType.BFloat16 },
        { "I64", () => torch.tensor(new[] { long.MinValue, -1L, 0L, long.MaxValue }, [2, 2]), ScalarType.Int64 },
        { "I32", () => torch.tensor(new[] { int.MinValue, 7, int.MaxValue }), ScalarType.Int32 },
        { "BOOL", () => torch.tensor(new[] { true, false, false, true, true }, [5, 1, 1]), ScalarType.Bool },
        { "F64", () => torch.tensor(new[] { Math.PI, -1e300 }), ScalarType.Float64 },
        { "F32", () => torch.tensor(new[] { 3.25f }, []), ScalarType.Float32 },
        { "I64", () => torch.tensor(new[] { -9L }, []), ScalarType.Int64 },
        { "BOOL", () => torch.tensor(new[] { true }, []), ScalarType.Bool },
        { "BF16", () => torch.from_bytes(BFloat16Bits.AsSpan(0, 2), ScalarType.BFloat16, []), ScalarType.BFloat16 },
        { "F32", () => torch.zeros([0, 4]), ScalarType.Float32 },
        { "F16", () => torch.zeros([3, 0], ScalarType.Float16), ScalarType.Float16 },
        { "BOOL", () => torch.zeros([0], ScalarType.Bool), ScalarType.Bool },
    };

    [Theory]
    [MemberData(nameof(EveryDType))]
    public void EveryDTypeShapeScalarAndEmptyTensorRoundTripsBitForBit(string expectedDType, Func<torch.Tensor> make, ScalarType type)
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var original = make();
        var path = folder.File("t.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["x"] = original });

        using var file = SafetensorsFile.Open(path);
        var entry = Assert.Single(file.Entries);
        Assert.Equal(expectedDType, entry.DType);
        Assert.Equal(original.shape, entry.Shape);
        var loaded = file.ReadTensor("x");
        Assert.Equal(type, loaded.dtype);
        Assert.Equal(original.shape, loaded.shape);
        Assert.Equal(original.bytes(), loaded.bytes());
    }

    [Fact]
    public void ManyTensorsRoundTripAndAreLaidOutWidestDTypeFirstWithAnAlignedPaddedHeader()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["b.mask"] = torch.tensor(new[] { true, false, true }),
            ["a.weight"] = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]),
            ["c.ids"] = torch.tensor(new long[] { 5, 6 }),
            ["d.half"] = torch.tensor(new[] { (Half)0.5 }),
            ["e.int"] = torch.tensor(new[] { 9 }),
        };
        var path = folder.File("model.safetensors");
        SafetensorsWriter.Write(path, tensors);

        var bytes = File.ReadAllBytes(path);
        var n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8);
        var headerText = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\"}", headerText);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["c.ids", "a.weight", "e.int", "d.half", "b.mask"], file.Entries.OrderBy(e => e.Begin).Select(e => e.Name));
        foreach (var entry in file.Entries)
            Assert.Equal(0, (file.FileLength - file.Entries.Sum(e => e.ByteCount) + entry.Begin) % (entry.ScalarType!.Value.ElementSize()));
        var loaded = file.ReadAll();
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(tensor.dtype, loaded[name].dtype);
            Assert.Equal(tensor.bytes(), loaded[name].bytes());
        }
    }

    [Fact]
    public void MetadataRoundTripsAndDefaultsToFormatPt()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, torch.Tensor> { ["w"] = torch.zeros([2]) };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3", ["note"] = "ünïcødé \"quoted\" \\ 名前" };

        SafetensorsWriter.Write(folder.File("a.safetensors"), tensors, metadata);
        SafetensorsWriter.Write(folder.File("b.safetensors"), tensors);
        SafetensorsWriter.Write(folder.File("c.safetensors"), tensors, new Dictionary<string, string>());

        using (var a = SafetensorsFile.Open(folder.File("a.safetensors"))) Assert.Equal(metadata, a.Metadata);
        using (var b = SafetensorsFile.Open(folder.File("b.safetensors")))
            Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, b.Metadata);
        using (var c = SafetensorsFile.Open(folder.File("c.safetensors")))
            Assert.Empty(c.Metadata);
        Assert.DoesNotContain("__metadata__", File.ReadAllText(folder.File("c.safetensors")));
    }

    [Fact]
    public void NoTensorsIsAValidFile()
    {
        using var folder = new TempFolder();
        SafetensorsWriter.Write(folder.File("e.safetensors"), new Dictionary<string, torch.Tensor>());
        using var file = SafetensorsFile.Open(folder.File("e.safetensors"));
        Assert.Empty(file.Entries);
        Assert.Empty(file.ReadAll());
    }

    [Fact]
    public void WritingReplacesTheFileAtomicallyAndLeavesNoTemporaryFiles()
    {
        using var folder = new TempFolder();
        var path = folder.File("model.safetensors");
        using var scope = torch.NewDisposeScope();
        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["old"] = torch.zeros([1]) });
        var before = File.ReadAllBytes(path);

        var disposed = torch.zeros([4]);
        disposed.Dispose();
        // The failure happens while the data is streamed, after the header went out.
        Assert.Throws<ObjectDisposedException>(() => SafetensorsWriter.Write(path,
            new Dictionary<string, torch.Tensor> { ["fine"] = torch.zeros([1]), ["gone"] = disposed }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));

        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["new"] = torch.zeros([2]) });
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["new"], file.Names);
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void ReadingAnUnknownNameSaysWhichFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("m.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor>());
        using var file = SafetensorsFile.Open(path);
        var error = Assert.Throws<KeyNotFoundException>(() => file.ReadTensor("missing"));
        Assert.Contains(path, error.Message);
        Assert.Contains("'missing'", error.Message);
    }

    [Fact]
    public void OpenReadsOnlyTheHeaderOfALargeFile()
    {
        // A 3 GB tensor in a sparse file: opening it and reading the small tensor must not touch the rest.
        using var folder = new TempFolder();
        var path = folder.File("big.safetensors");
        const long big = 3L << 30;
        var header = $"{{\"big\":{{\"dtype\":\"U8\",\"shape\":[{big}],\"data_offsets\":[0,{big}]}},\"small\":{{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[{big},{big + 8}]}}}}";
        var headerBytes = RawSafetensors.Build(header);
        using (var stream = File.Create(path))
        {
            stream.Write(headerBytes);
            stream.SetLength(headerBytes.Length + big + 8);
            stream.Seek(-8, SeekOrigin.End);
            stream.Write([7, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF]);
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal([big], file.Entry("big").Shape);
        using var small = file.ReadTensor("small");
        Assert.Equal(new[] { 7, -2 }, small.data<int>());
        var unsupported = Assert.Throws<SafetensorsFormatException>(() => file.ReadTensor("big"));
        Assert.Equal("dtype", unsupported.Field);
        Assert.Contains("U8 is valid safetensors but not supported here", unsupported.Message);
    }

    [Fact]
    public void TensorsCanBeReadFromSeveralThreadsAtOnce()
    {
        using var folder = new TempFolder();
        var path = folder.File("m.safetensors");
        var values = Enumerable.Range(0, 64).Select(i => Enumerable.Range(0, 1000).Select(j => (float)(i * 1000 + j)).ToArray()).ToArray();
        using (torch.NewDisposeScope())
            SafetensorsWriter.Write(path, values.Select((v, i) => (i, v)).ToDictionary(p => $"t{p.i}", p => torch.tensor(p.v)));

        using var file = SafetensorsFile.Open(path);
        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var tensor = file.ReadTensor($"t{i}");
            Assert.Equal(values[i], tensor.data<float>());
        });
    }

    [Fact]
    public void ReadingAfterDisposeThrows()
    {
        using var folder = new TempFolder();
        var path = folder.File("m.safetensors");
        using (torch.NewDisposeScope())
            SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["w"] = torch.zeros([2]) });
        var file = SafetensorsFile.Open(path);
        file.ReadTensor("w").Dispose();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.ReadTensor("w"));
    }

    [Fact]
    public void WriterRefusesTheReservedMetadataName()
    {
        using var folder = new TempFolder();
        using var t = torch.zeros([1]);
        Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(folder.File("x.safetensors"), new Dictionary<string, torch.Tensor> { ["__metadata__"] = t }));
    }
}
