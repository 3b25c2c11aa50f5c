using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Orchestrator.Coordinator.Doctor;

/// <summary>Renders a <see cref="DoctorReport"/> as JSON for machines or as tables for people.</summary>
public static class DoctorOutput
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Read by people too: keep "+" and "'" in details as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // The folder says which implementation a generic name is (Debian: openblas-pthread/libblas.so.3).
    private static string ShortPath(string path) =>
        Path.Combine(Path.GetFileName(Path.GetDirectoryName(path)) ?? "", Path.GetFileName(path));

    public static string ToJson(DoctorReport report) => JsonSerializer.Serialize(report, Json);

    public static void WriteTables(DoctorReport report, IAnsiConsole console)
    {
        var facts = new Table().Title("orchestrator doctor").AddColumn("Fact").AddColumn("Value");
        void Fact(string name, string value) => facts.AddRow(new Text(name), new Text(value));
        Fact("libtorch", report.TorchVersion);
        Fact("BLAS", report.Blas.LoadedLibraries.Count == 0
            ? report.Blas.BuildSetting
            : $"{report.Blas.BuildSetting} (loaded: {string.Join(", ", report.Blas.LoadedLibraries.Select(ShortPath))})");
        Fact("LAPACK", report.Blas.LapackSetting);
        Fact("parallel backend", report.Threads.ParallelBackend);
        Fact("torch threads", report.Threads.Torch.ToString());
        Fact("interop threads", report.Threads.Interop.ToString());
        Fact("OpenMP max threads", report.Threads.OpenMpMax?.ToString() ?? "unknown");
        Fact("OpenBLAS threads", report.Threads.Blas == 0 ? "not OpenBLAS" : report.Threads.Blas.ToString());
        foreach (var (name, value) in report.Threads.Environment)
            Fact(name, value ?? "(not set)");
        Fact("devices", report.Devices.CudaAvailable
            ? $"CPU ({report.Devices.CpuCores} cores), CUDA x{report.Devices.CudaDeviceCount}"
            : $"CPU ({report.Devices.CpuCores} cores), no CUDA");
        Fact("collectives", string.Join(", ",
            new[] { report.Collectives.Gloo ? "gloo" : null, report.Collectives.Nccl ? "nccl" : null }.OfType<string>()));
        console.Write(facts);

        var checks = new Table().Title("self-test").AddColumn("Check").AddColumn("Result").AddColumn("ms").AddColumn("Detail");
        foreach (var check in report.Checks)
            checks.AddRow(
                new Text(check.Name),
                new Markup(check.Passed ? "[green]pass[/]" : "[red]FAIL[/]"),
                new Text(check.ElapsedMs.ToString("0")),
                new Text(check.Detail));
        console.Write(checks);
        console.MarkupLine(report.Passed ? "[green]All checks passed.[/]" : "[red]Some checks failed.[/]");
    }
}
