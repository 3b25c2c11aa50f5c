namespace Orchestrator.Torch.Tests;

public class RuntimeInfoTests
{
    [Fact]
    public void VersionIsTheOneInLibtorchsBuildConfiguration()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", torch.__version__);
        Assert.Contains($"TORCH_VERSION={torch.__version__}", torch.__config__.show());
    }

    [Fact]
    public void IntraOpThreadsCanBeChangedAndRead()
    {
        var original = torch.get_num_threads();
        try
        {
            torch.set_num_threads(original == 1 ? 2 : 1);
            Assert.Equal(original == 1 ? 2 : 1, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(original);
        }
        Assert.Throws<TorchException>(() => torch.set_num_threads(0));
    }

    [Fact]
    public void A_compute_threads_budget_is_OMP_NUM_THREADS_when_set_else_a_share_of_the_cores()
    {
        var original = Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
        try
        {
            Environment.SetEnvironmentVariable("OMP_NUM_THREADS", null);
            Assert.Equal(Environment.ProcessorCount, ComputeThreads.Budget());
            Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), ComputeThreads.Budget(2));
            Assert.Equal(1, ComputeThreads.Budget(Environment.ProcessorCount + 1));
            Environment.SetEnvironmentVariable("OMP_NUM_THREADS", "3");
            Assert.Equal(3, ComputeThreads.Budget(2));
            Environment.SetEnvironmentVariable("OMP_NUM_THREADS", "zero");
            Assert.Equal(Environment.ProcessorCount, ComputeThreads.Budget());
        }
        finally
        {
            Environment.SetEnvironmentVariable("OMP_NUM_THREADS", original);
        }
    }

    [Fact]
    public void CaptureReportsThreadsDevicesAndBackends()
    {
        var info = RuntimeInfo.Capture();
        Assert.Equal(torch.__version__, info.TorchVersion);
        Assert.True(info.NumThreads >= 1);
        Assert.True(info.NumInteropThreads >= 1);
        Assert.NotNull(info.OpenMpMaxThreads);
        Assert.NotEqual("unknown", info.ParallelBackend);
        Assert.Equal(info.CudaAvailable, info.CudaDeviceCount > 0);
        Assert.True(info.GlooAvailable);
        Assert.Equal(RuntimeInfo.ThreadVariables.Count, info.ThreadEnvironment.Count);
        Assert.NotEqual("unknown", info.Blas.BuildSetting);
    }

    [Fact]
    public void BlasIsReadFromTheBuildConfigAndTheMappedLibraries()
    {
        const string config = "  - Build settings: BLAS_INFO=open, BUILD_TYPE=Release, LAPACK_INFO=mkl, TORCH_VERSION=2.1.0,";
        var blas = RuntimeInfo.ParseBlas(config,
            ["/usr/lib/libc.so.6", "/usr/lib/openblas-pthread/libblas.so.3", "/opt/libmkl_core.so.2", "/usr/lib/libgomp.so.1"]);
        Assert.Equal("open", blas.BuildSetting);
        Assert.Equal("mkl", blas.LapackSetting);
        Assert.Equal(["/opt/libmkl_core.so.2", "/usr/lib/openblas-pthread/libblas.so.3"], blas.LoadedLibraries);
        Assert.Equal("open (/opt/libmkl_core.so.2, /usr/lib/openblas-pthread/libblas.so.3)", blas.ToString());
    }
}
