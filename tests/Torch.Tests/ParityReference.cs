using System.Text.Json;
using Orchestrator.Torch;

namespace Orchestrator.Torch.Tests;

/// <summary>Loads tests/parity/expected/reference.json, written by tests/parity/torch_reference.py.</summary>
internal static class ParityReference
{
    public static readonly string ScriptPath = Path.Combine(RepositoryRoot(), "tests", "parity", "torch_reference.py");
    public static readonly string ExpectedPath = Path.Combine(RepositoryRoot(), "tests", "parity", "expected", "reference.json");

    private static readonly Lazy<JsonDocument> document = new(() => JsonDocument.Parse(File.ReadAllText(ExpectedPath)));

    public static JsonElement Root => document.Value.RootElement;

    public static torch.Tensor Tensor(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var values = e.GetProperty("values");
        return e.GetProperty("dtype").GetString() switch
        {
            "float32" => torch.tensor(values.EnumerateArray().Select(v => v.GetSingle()).ToArray(), shape),
            "int64" => torch.tensor(values.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape),
            "bool" => torch.tensor(values.EnumerateArray().Select(v => v.GetBoolean()).ToArray(), shape),
            var other => throw new NotSupportedException($"dtype {other} in {ExpectedPath}"),
        };
    }

    public static Dictionary<string, torch.Tensor> Tensors(JsonElement obj) =>
        obj.EnumerateObject().ToDictionary(p => p.Name, p => Tensor(p.Value));

    /// <summary>Asserts equal shapes and |a - e| <= tol * max(1, |e|) elementwise.</summary>
    public static void AssertClose(torch.Tensor expected, torch.Tensor actual, string what, double tolerance = 1e-6)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
        var e = expected.to(ScalarType.Float64).data<double>();
        var a = actual.to(ScalarType.Float64).data<double>();
        for (var i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= tolerance * Math.Max(1, Math.Abs(e[i])), $"{what}[{i}]: {a[i]:R}, expected {e[i]:R}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
    }
}
