using k8s.Models;

namespace Orchestrator.Deploy.Tests;

/// <summary>The GPU overlay's contract with the device plugin and the scheduler; the CPU overlay asks for no GPU.</summary>
public class GpuOverlayTests
{
    const string Gpu = "nvidia.com/gpu";

    [Theory, InlineData("cpu"), InlineData("gpu")]
    public void Gpu_requests_equal_limits_wherever_a_gpu_is_asked_for(string overlay)
    {
        foreach (var (workload, _, container) in RenderedOverlay.Of(overlay).Containers)
        {
            var requests = container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>();
            var limits = container.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>();
            if (!requests.ContainsKey(Gpu) && !limits.ContainsKey(Gpu)) continue;
            Assert.True(requests.ContainsKey(Gpu) && limits.ContainsKey(Gpu), $"{workload}: {Gpu} needs both a request and a limit");
            Assert.Equal(limits[Gpu].ToDecimal(), requests[Gpu].ToDecimal());
        }
    }

    [Fact]
    public void Gpu_workers_take_one_node_each_and_run_one_device_per_gpu()
    {
        var rendered = RenderedOverlay.Of("gpu");
        var pod = rendered.Job("worker").Spec.Template.Spec;
        var worker = Assert.Single(pod.Containers);
        var gpus = (int)worker.Resources.Limits[Gpu].ToDecimal();
        Assert.True(gpus > 0);
        var devices = RenderedOverlay.Argument(worker, "--devices")!.Split(',');
        Assert.Equal(Enumerable.Range(0, gpus).Select(i => $"cuda:{i}"), devices);
        // One worker process per node: required anti-affinity on the node's hostname.
        var term = Assert.Single(pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", term.TopologyKey);
        Assert.EndsWith(":cuda", worker.Image);
        Assert.DoesNotContain(rendered.Job("coordinator").Spec.Template.Spec.Containers, c => c.Resources.Limits?.ContainsKey(Gpu) == true);
    }

    [Fact]
    public void Cpu_workers_ask_for_no_gpu()
    {
        var rendered = RenderedOverlay.Of("cpu");
        foreach (var (workload, _, container) in rendered.Containers)
        {
            Assert.False(container.Resources.Limits?.ContainsKey(Gpu) == true, workload);
            Assert.EndsWith(":cpu", container.Image);
        }
        Assert.Equal("cpu", RenderedOverlay.Argument(Assert.Single(rendered.Job("worker").Spec.Template.Spec.Containers), "--devices"));
    }
}
