using k8s;
using k8s.Models;
using Orchestrator.Shared.Config;

namespace Orchestrator.Deploy.Tests;

/// <summary>
/// What no schema checks in deploy/k8s, for every overlay: names and selectors that must agree across
/// objects, the volumes every pod needs, and the Job settings that make a finished run end Completed.
/// </summary>
public class ManifestTests
{
    public static TheoryData<string> Overlays => new() { "cpu", "gpu" };

    const string ClusterCertSecret = "orchestrator-cluster-cert";

    [Theory, MemberData(nameof(Overlays))]
    public void Every_object_loads_strictly_and_the_run_has_its_objects(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var kinds = rendered.Objects.Select(o => ((IKubernetesObject)o).Kind).Order().ToArray();
        Assert.Equal(["ConfigMap", "Job", "Job", "NetworkPolicy", "NetworkPolicy", "PersistentVolumeClaim", "Service"], kinds);
        rendered.Job("coordinator");
        rendered.Job("worker");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_headless_service_selects_every_orchestrator_pod(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var service = rendered.HeadlessService;
        Assert.True(service.Spec.PublishNotReadyAddresses, "workers must resolve the coordinator before it is ready");
        foreach (var (workload, template) in rendered.PodTemplates)
            Assert.True(RenderedOverlay.Matches(service.Spec.Selector, template.Metadata.Labels),
                $"{workload}: its pod labels do not match Service/{service.Metadata.Name}'s selector");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Network_policy_and_affinity_selectors_match_pods(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var podLabels = rendered.PodTemplates.Select(t => t.Template.Metadata.Labels).ToList();
        foreach (var policy in rendered.OfType<V1NetworkPolicy>())
        {
            Assert.True(podLabels.Any(l => RenderedOverlay.Matches(policy.Spec.PodSelector.MatchLabels, l)),
                $"NetworkPolicy/{policy.Metadata.Name} selects no pod");
            foreach (var rule in policy.Spec.Ingress)
            {
                // A rule without "from" would let anyone in.
                Assert.NotEmpty(rule.FromProperty ?? []);
                foreach (var peer in rule.FromProperty!.Where(p => p.PodSelector?.MatchLabels?.ContainsKey("app.kubernetes.io/name") == true))
                    Assert.True(podLabels.Any(l => RenderedOverlay.Matches(peer.PodSelector.MatchLabels, l)),
                        $"NetworkPolicy/{policy.Metadata.Name}: a rule admits pods that do not exist");
            }
        }
        // The coordinator's port is guarded: some policy selects the coordinator's pods.
        var coordinator = rendered.Job("coordinator").Spec.Template.Metadata.Labels;
        Assert.Contains(rendered.OfType<V1NetworkPolicy>(), p => RenderedOverlay.Matches(p.Spec.PodSelector.MatchLabels, coordinator));

        foreach (var (workload, template) in rendered.PodTemplates)
            foreach (var term in template.Spec.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
                Assert.True(RenderedOverlay.Matches(term.LabelSelector.MatchLabels, template.Metadata.Labels),
                    $"{workload}: its anti-affinity does not select its own pods");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Pods_are_named_through_the_headless_service_and_workers_join_the_coordinator_by_that_name(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var service = rendered.HeadlessService;
        foreach (var (workload, template) in rendered.PodTemplates)
            Assert.True(template.Spec.Subdomain == service.Metadata.Name, $"{workload}: subdomain must name Service/{service.Metadata.Name}");

        var coordinatorPod = rendered.Job("coordinator").Spec.Template.Spec;
        var coordinator = Assert.Single(coordinatorPod.Containers);
        var akkaPort = Assert.Single(coordinator.Ports, p => p.Name == "akka").ContainerPort;
        Assert.Equal(akkaPort.ToString(), RenderedOverlay.Argument(coordinator, "--port"));
        Assert.Contains(service.Spec.Ports, p => p.Port == akkaPort);

        var worker = Assert.Single(rendered.Job("worker").Spec.Template.Spec.Containers);
        Assert.Equal($"{coordinatorPod.Hostname}.{coordinatorPod.Subdomain}:{akkaPort}", RenderedOverlay.Argument(worker, "--coordinator"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Dev_shm_is_memory_backed_in_every_pod(string overlay)
    {
        foreach (var (workload, pod, container) in RenderedOverlay.Of(overlay).Containers)
        {
            var mount = Assert.Single(container.VolumeMounts, m => m.MountPath == "/dev/shm");
            var volume = RenderedOverlay.VolumeOf(pod, mount);
            Assert.True(volume.EmptyDir?.Medium == "Memory", $"{workload}: /dev/shm is not an emptyDir with medium Memory");
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_pod_asks_its_resolver_again_within_a_second(string overlay)
    {
        // Peers are found by name: a lookup stalled on glibc's default 5 s per server and attempt (10 s in the e2e)
        // outlasts the heartbeat pause and a worker is downed.
        foreach (var (workload, pod, _) in RenderedOverlay.Of(overlay).Containers)
        {
            var options = pod.DnsConfig?.Options ?? [];
            Assert.True(options.Any(o => o.Name == "timeout" && o.Value == "1"), $"{workload}: no dnsConfig option timeout 1");
            Assert.True(options.Any(o => o.Name == "attempts" && int.Parse(o.Value) >= 3), $"{workload}: dnsConfig attempts below 3");
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_run_folder_claim_is_read_write_many_and_mounted_at_one_path_in_every_pod(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var claim = Assert.Single(rendered.OfType<V1PersistentVolumeClaim>());
        Assert.Contains("ReadWriteMany", claim.Spec.AccessModes);
        var paths = new HashSet<string>();
        foreach (var (workload, pod, container) in rendered.Containers)
        {
            var mounts = container.VolumeMounts.Where(m => RenderedOverlay.VolumeOf(pod, m).PersistentVolumeClaim?.ClaimName == claim.Metadata.Name).ToList();
            Assert.True(mounts.Count == 1, $"{workload}: mounts PersistentVolumeClaim/{claim.Metadata.Name} {mounts.Count} times");
            Assert.NotEqual(true, mounts[0].ReadOnlyProperty);
            paths.Add(mounts[0].MountPath);
        }
        Assert.Single(paths);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_cluster_certificate_is_mounted_read_only_in_every_orchestrator_container(string overlay)
    {
        foreach (var (workload, pod, container) in RenderedOverlay.Of(overlay).Containers.Where(c => c.Container.Image.Contains("orchestrator")))
        {
            var mount = Assert.Single(container.VolumeMounts, m => RenderedOverlay.VolumeOf(pod, m).Secret?.SecretName == ClusterCertSecret);
            Assert.True(mount.ReadOnlyProperty, $"{workload}: the certificate must be mounted read-only");
            var certificate = Assert.Single(container.Env, e => e.Name == "ORCHESTRATOR_CLUSTER_CERT").Value;
            Assert.StartsWith(mount.MountPath + "/", certificate);
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Jobs_restart_failed_pods_in_bounds_and_end_completed(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var job in rendered.Jobs)
        {
            // Always is invalid for a Job (the API server refuses it) and unset means Always.
            Assert.Contains(job.Spec.Template.Spec.RestartPolicy, new[] { "OnFailure", "Never" });
            Assert.True(job.Spec.BackoffLimit is > 0, $"Job/{job.Metadata.Name}: set backoffLimit");
        }
        // The worker Job survives as many worker losses as the run does.
        Assert.True(rendered.Job("worker").Spec.BackoffLimit >= RunOptions(rendered).MaxFailures);
        var workers = rendered.Job("worker").Spec;
        Assert.Equal("Indexed", workers.CompletionMode);
        Assert.Equal(workers.Completions, workers.Parallelism);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_container_has_requests_probes_and_runs_unprivileged(string overlay)
    {
        foreach (var (workload, pod, container) in RenderedOverlay.Of(overlay).Containers)
        {
            Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true, $"{workload}: no cpu request");
            Assert.True(container.Resources?.Requests?.ContainsKey("memory") == true, $"{workload}: no memory request");
            foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe })
            {
                Assert.NotNull(probe);
                if (probe.TcpSocket is not null)
                    Assert.Contains(container.Ports, p => p.Name == probe.TcpSocket.Port.Value || p.ContainerPort.ToString() == probe.TcpSocket.Port.Value);
            }
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true, $"{workload}: runAsNonRoot");
            Assert.True(pod.SecurityContext?.RunAsUser is > 0, $"{workload}: runAsUser must be a non-root uid");
            Assert.False(container.SecurityContext?.AllowPrivilegeEscalation ?? true, $"{workload}: allowPrivilegeEscalation");
            Assert.Contains("ALL", container.SecurityContext?.Capabilities?.Drop ?? []);
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_run_configuration_is_a_valid_run_writing_into_the_run_folder(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var coordinatorPod = rendered.Job("coordinator").Spec.Template.Spec;
        var coordinator = Assert.Single(coordinatorPod.Containers);
        var configPath = RenderedOverlay.Argument(coordinator, "--config");
        Assert.NotNull(configPath);
        var configMount = Assert.Single(coordinator.VolumeMounts, m => configPath.StartsWith(m.MountPath + "/"));
        var configMap = RenderedOverlay.VolumeOf(coordinatorPod, configMount).ConfigMap;
        Assert.NotNull(configMap);
        Assert.Contains(rendered.OfType<V1ConfigMap>(), c => c.Metadata.Name == configMap.Name && c.Data.ContainsKey(Path.GetFileName(configPath)));

        var runFolder = Assert.Single(coordinator.VolumeMounts, m => RenderedOverlay.VolumeOf(coordinatorPod, m).PersistentVolumeClaim is not null).MountPath;
        Assert.StartsWith(runFolder + "/", RunOptions(rendered).OutputDir);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Prometheus_annotations_name_the_metrics_port(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var scraped = rendered.PodTemplates.Where(t => t.Template.Metadata.Annotations is { } a && a.TryGetValue("prometheus.io/scrape", out var scrape) && scrape == "true").ToList();
        var (_, coordinatorTemplate) = Assert.Single(scraped);
        Assert.Same(rendered.Job("coordinator").Spec.Template, coordinatorTemplate);
        var port = coordinatorTemplate.Metadata.Annotations["prometheus.io/port"];
        var container = Assert.Single(coordinatorTemplate.Spec.Containers);
        Assert.Contains(container.Ports, p => p.Name == "metrics" && p.ContainerPort.ToString() == port);
        Assert.Equal(port, RenderedOverlay.Argument(container, "--metrics-port"));
        // The endpoint listens on 127.0.0.1 unless told otherwise: a scrape from another pod needs every interface.
        Assert.Equal("0.0.0.0", RenderedOverlay.Argument(container, "--metrics-host"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Worker_pods_devices_and_the_runs_world_size_agree(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var workers = rendered.Job("worker").Spec;
        var coordinator = Assert.Single(rendered.Job("coordinator").Spec.Template.Spec.Containers);
        var worker = Assert.Single(workers.Template.Spec.Containers);
        var devices = RenderedOverlay.Argument(worker, "--devices")!.Split(',');
        // --expect-workers counts worker actors (ranks): pods x devices per pod.
        Assert.Equal((workers.Completions * devices.Length).ToString(), RenderedOverlay.Argument(coordinator, "--expect-workers"));
        Assert.Equal(workers.Completions * devices.Length, RunOptions(rendered).Workers);
    }

    /// <summary>The run's YAML from the ConfigMap, read by orchestrator's own loader (no problems allowed).</summary>
    static TrainOptions RunOptions(RenderedOverlay rendered)
    {
        var configMap = Assert.Single(rendered.OfType<V1ConfigMap>(), c => c.Metadata.Name.StartsWith("orchestrator-run"));
        var problems = new List<string>();
        var options = TrainOptionsLoader.ParseYaml(configMap.Data["run.yaml"], "run.yaml", new TrainOptions(), problems);
        Assert.Empty(problems);
        return options;
    }
}
