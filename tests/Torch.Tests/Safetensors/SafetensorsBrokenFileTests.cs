using System.Text;
using Orchestrator.Torch.Safetensors;

namespace Orchestrator.Torch.Tests.Safetensors;

/// <summary>A corpus of truncated, malformed and hostile files, each with the error it must produce.</summary>
public class SafetensorsBrokenFileTests
{
    private const string W = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private static byte[] Header(string json, int bufferBytes = 0) => RawSafetensors.Build(json, new byte[bufferBytes]);

    private static byte[] Entry(string entryJson, int bufferBytes) => Header($"{{\"w\":{entryJson}}}", bufferBytes);

    public static TheoryData<string, byte[], string?, string?, string> Corpus() => new()
    {
        { "shorter than the length prefix", [1, 0, 0, 0, 0], null, "header length", "the file is 5 bytes" },
        { "empty file", [], null, "header length", "the file is 0 bytes" },
        { "absurd header length", RawSafetensors.Build(W, new byte[8], declaredHeaderLength: ulong.MaxValue), null, "header length", "exceeds the 100000000-byte limit" },
        { "header length just over the cap", RawSafetensors.Build(W, new byte[8], declaredHeaderLength: 100_000_001), null, "header length", "exceeds the 100000000-byte limit" },
        { "header length past the end", RawSafetensors.Build(W, new byte[8], declaredHeaderLength: 4096), null, "header length", "runs past the end of the file" },
        { "empty header", RawSafetensors.Build(""), null, "header", "the header is empty" },
        { "header not starting with {", Header(" " + W, 8), null, "header", "must start with '{' but starts with byte 0x20" },
        { "header is a JSON array", Header("[1,2]"), null, "header", "must start with '{'" },
        { "non-UTF-8 header", RawSafetensors.Build([.. "{\"w"u8, 0xFF, .. "\":1}"u8]), null, "header", "not valid UTF-8 (first invalid byte at header offset 3)" },
        { "truncated JSON", Header("{\"w\":{\"dtype\":\"F32\",\"sha"), null, "header", "not valid JSON" },
        { "trailing garbage after the JSON", Header(W + "xx", 8), null, "header", "not valid JSON" },
        { "NUL padding instead of spaces", RawSafetensors.Build([.. Encoding.UTF8.GetBytes(W), 0, 0]), null, "header", "not valid JSON" },
        { "deeply nested JSON", Header("{\"w\":" + new string('[', 5000) + new string(']', 5000) + "}"), null, "header", "not valid JSON" },
        { "duplicate tensor names", Header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "w", null, "the name appears twice" },
        { "duplicate field", Entry("{\"dtype\":\"F32\",\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8), "w", "dtype", "the field appears twice" },
        { "entry is not an object", Header("{\"w\":[1,2]}"), "w", null, "expected an object with dtype, shape and data_offsets, not Array" },
        { "missing dtype", Entry("{\"shape\":[2],\"data_offsets\":[0,8]}", 8), "w", "dtype", "the field is missing" },
        { "dtype not a string", Entry("{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}", 8), "w", "dtype", "expected a JSON String, got Number" },
        { "unknown dtype", Entry("{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}", 8), "w", "dtype", "unknown dtype \"F33\"" },
        { "lower-case dtype", Entry("{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8), "w", "dtype", "unknown dtype \"f32\"" },
        { "missing shape", Entry("{\"dtype\":\"F32\",\"data_offsets\":[0,8]}", 8), "w", "shape", "the field is missing" },
        { "shape not an array", Entry("{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}", 8), "w", "shape", "expected a JSON Array, got Number" },
        { "negative dimension", Entry("{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}", 8), "w", "shape[1]", "-1 is negative" },
        { "fractional dimension", Entry("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}", 8), "w", "shape[0]", "1.5 is not an integer" },
        { "string dimension", Entry("{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}", 8), "w", "shape[0]", "expected a non-negative integer, got String" },
        { "dimension beyond 64 bits", Entry("{\"dtype\":\"F32\",\"shape\":[18446744073709551617],\"data_offsets\":[0,8]}", 8), "w", "shape[0]", "is not an integer that fits in 64 bits" },
        { "element count overflows", Entry("{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}", 8), "w", "shape", "overflows a 64-bit byte count" },
        { "byte count overflows", Entry("{\"dtype\":\"F64\",\"shape\":[4611686018427387904],\"data_offsets\":[0,8]}", 8), "w", "shape", "overflows a 64-bit byte count" },
        { "shape needs more bytes than the span", Entry("{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}", 12), "w", "data_offsets", "is 12 bytes but dtype F32 with shape [2, 2] needs 16" },
        { "shape needs fewer bytes than the span", Entry("{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[0,4]}", 4), "w", "data_offsets", "is 4 bytes but dtype BF16 with shape [] needs 2" },
        { "missing data_offsets", Entry("{\"dtype\":\"F32\",\"shape\":[2]}", 8), "w", "data_offsets", "the field is missing" },
        { "three offsets", Entry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}", 8), "w", "data_offsets", "expected [begin, end], got 3 values" },
        { "negative offset", Entry("{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[-4,-4]}", 0), "w", "data_offsets[0]", "-4 is negative" },
        { "begin after end", Entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}", 8), "w", "data_offsets", "begin 8 is after end 4" },
        { "offsets past the buffer", Entry("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}", 8), "w", "data_offsets", "runs past the end of the data buffer (8 bytes): the file is truncated" },
        { "huge offsets", Entry("{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[9223372036854775799,9223372036854775807]}", 8), "w", "data_offsets", "runs past the end of the data buffer (8 bytes)" },
        { "overlapping tensors", Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "b", "data_offsets", "[4, 12) overlaps tensor 'a' at [0, 8)" },
        { "same offsets twice", Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "b", "data_offsets", "overlaps tensor 'a'" },
        { "gap between tensors", Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "b", "data_offsets", "leaves a gap: the previous tensor ends at 4" },
        { "buffer not covered", Entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 8), null, "data_offsets", "the tensors cover 4 bytes but the data buffer holds 8" },
        { "bytes but no tensors", Header("{}", 16), null, "data_offsets", "the tensors cover 0 bytes but the data buffer holds 16" },
        { "truncated data", Header(W, 5), "w", "data_offsets", "runs past the end of the data buffer (5 bytes)" },
        { "metadata not an object", Header("{\"__metadata__\":\"pt\"}"), null, "__metadata__", "must be an object of string values, not String" },
        { "metadata value not a string", Header("{\"__metadata__\":{\"format\":\"pt\",\"step\":3}}"), null, "__metadata__.step", "metadata values must be strings, not Number" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void BrokenFileIsRejectedWithAnErrorNamingFileTensorAndField(string what, byte[] bytes, string? tensor, string? field, string fragment)
    {
        using var folder = new TempFolder();
        var path = folder.File(what.Replace(' ', '-') + ".safetensors");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());

        Assert.Equal(path, error.Path);
        Assert.Equal(tensor, error.TensorName);
        Assert.Equal(field, error.Field);
        Assert.Contains(fragment, error.Message);
        Assert.StartsWith(path + ":", error.Message);
        if (tensor is not null) Assert.Contains($"tensor '{tensor}'", error.Message);
    }

    [Theory]
    [InlineData("I8")]
    [InlineData("U8")]
    [InlineData("I16")]
    [InlineData("U64")]
    [InlineData("F8_E4M3")]
    public void AKnownButUnsupportedDTypeOpensButRefusesToReadWithAClearError(string dtype)
    {
        using var folder = new TempFolder();
        var path = folder.File("odd.safetensors");
        var bytes = dtype switch { "I16" => 4, "U64" => 16, _ => 2 };
        File.WriteAllBytes(path, RawSafetensors.Build($"{{\"q\":{{\"dtype\":\"{dtype}\",\"shape\":[2],\"data_offsets\":[0,{bytes}]}}}}", new byte[bytes]));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(dtype, file.Entry("q").DType);
        Assert.Null(file.Entry("q").ScalarType);
        var error = Assert.Throws<SafetensorsFormatException>(() => file.ReadTensor("q"));
        Assert.Equal("q", error.TensorName);
        Assert.Equal("dtype", error.Field);
        Assert.Contains($"dtype {dtype} is valid safetensors but not supported here (supported: BOOL, F16, BF16, I32, F32, F64, I64)", error.Message);
    }

    [Fact]
    public void AFileThatShrinksAfterOpeningIsRefusedInsteadOfFaulting()
    {
        using var folder = new TempFolder();
        var path = folder.File("shrinks.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build(W, new byte[8]));
        using var file = SafetensorsFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) stream.SetLength(20);

        var error = Assert.Throws<SafetensorsFormatException>(() => file.ReadTensor("w"));
        Assert.Contains("changed size since it was opened", error.Message);
    }
}
