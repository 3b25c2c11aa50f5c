using System.Text.Json;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Coordinator.Doctor;

namespace Orchestrator.Coordinator.Tests.Doctor;

[Collection(ProcessWideTensorCount.Name)]
public class DoctorCommandTests
{
    [Fact]
    public void JsonReportHasEveryFactAndPassingChecksAndExitCodeZero()
    {
        var output = new StringWriter();
        var exitCode = DoctorCommand.Run(json: true, output);

        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Matches(@"^\d+\.\d+\.\d+", root.GetProperty("torchVersion").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("blas").GetProperty("buildSetting").GetString()));
        Assert.Equal(JsonValueKind.Array, root.GetProperty("blas").GetProperty("loadedLibraries").ValueKind);
        var threads = root.GetProperty("threads");
        Assert.True(threads.GetProperty("torch").GetInt32() >= 1);
        Assert.True(threads.GetProperty("interop").GetInt32() >= 1);
        Assert.True(threads.GetProperty("environment").TryGetProperty("OMP_NUM_THREADS", out _));
        Assert.True(threads.GetProperty("environment").TryGetProperty("OPENBLAS_NUM_THREADS", out _));
        Assert.True(threads.GetProperty("environment").TryGetProperty("OMP_WAIT_POLICY", out _));
        Assert.True(root.GetProperty("devices").GetProperty("cpu").GetBoolean());
        Assert.True(root.GetProperty("devices").GetProperty("cudaDeviceCount").GetInt64() >= 0);
        Assert.True(root.GetProperty("collectives").GetProperty("gloo").GetBoolean());
        Assert.Equal(JsonValueKind.False, root.GetProperty("collectives").GetProperty("nccl").ValueKind);

        var checks = root.GetProperty("checks").EnumerateArray().ToArray();
        Assert.Equal(["tensor round trip", "forward, backward and AdamW step", "gloo allreduce (2 ranks, loopback)"], checks.Select(c => c.GetProperty("name").GetString()));
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.GetProperty("detail").GetString()));
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void AFailingOrThrowingCheckFailsTheRunButTheOthersStillRun()
    {
        var ran = new List<string>();
        DoctorCheck[] checks =
        [
            new("throws", () => { ran.Add("throws"); throw new InvalidOperationException("boom"); }),
            new("fails", () => { ran.Add("fails"); return CheckResult.Fail("wrong value"); }),
            new("passes", () => { ran.Add("passes"); return CheckResult.Pass("fine"); }),
        ];
        var output = new StringWriter();
        var exitCode = DoctorCommand.Run(json: false, output, checks);

        Assert.Equal(1, exitCode);
        Assert.Equal(["throws", "fails", "passes"], ran);
        var text = output.ToString();
        Assert.Contains("InvalidOperationException: boom", text);
        Assert.Contains("FAIL", text);
        Assert.Contains("Some checks failed.", text);
        Assert.DoesNotContain("\u001b[", text);
    }

    [Fact]
    public void HumanReportNamesLibtorchBlasAndThreads()
    {
        var output = new StringWriter();
        Assert.Equal(0, DoctorCommand.Run(json: false, output));
        var text = output.ToString();
        foreach (var expected in new[] { "libtorch", "BLAS", "torch threads", "interop threads", "OMP_NUM_THREADS", "collectives", "All checks passed." })
            Assert.Contains(expected, text);
    }
}
