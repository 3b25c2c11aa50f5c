using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Orchestrator.Deploy.Tests;

/// <summary>
/// One overlay of deploy/k8s rendered and loaded strictly into KubernetesClient's API types (a field of the
/// wrong type or an unknown field fails the load), with the lookups the manifest tests share.
/// </summary>
public sealed class RenderedOverlay
{
    public const string Component = "app.kubernetes.io/component";
    static readonly ConcurrentDictionary<string, RenderedOverlay> Cache = new();

    public string Name { get; }
    public string Yaml { get; }
    public IReadOnlyList<object> Objects { get; }

    RenderedOverlay(string name, string yaml)
    {
        Name = name;
        Yaml = yaml;
        Objects = KubernetesYaml.LoadAllFromString(yaml, strict: true);
    }

    /// <summary>deploy/k8s/overlays/NAME, rendered once per test run.</summary>
    public static RenderedOverlay Of(string name) =>
        Cache.GetOrAdd(name, n => new RenderedOverlay(n, Kustomize.Render(Path.Combine("deploy", "k8s", "overlays", n))));

    public IEnumerable<T> OfType<T>() => Objects.OfType<T>();

    public IEnumerable<V1Job> Jobs => OfType<V1Job>();

    /// <summary>The Job whose pods carry app.kubernetes.io/component = component.</summary>
    public V1Job Job(string component) =>
        Assert.Single(Jobs, j => j.Spec.Template.Metadata.Labels.TryGetValue(Component, out var c) && c == component);

    /// <summary>Every pod template of every workload, named by its workload.</summary>
    public IEnumerable<(string Workload, V1PodTemplateSpec Template)> PodTemplates =>
        Jobs.Select(j => ($"Job/{j.Metadata.Name}", j.Spec.Template))
            .Concat(OfType<V1StatefulSet>().Select(s => ($"StatefulSet/{s.Metadata.Name}", s.Spec.Template)))
            .Concat(OfType<V1Deployment>().Select(d => ($"Deployment/{d.Metadata.Name}", d.Spec.Template)));

    public IEnumerable<(string Workload, V1PodSpec Pod, V1Container Container)> Containers =>
        PodTemplates.SelectMany(t => t.Template.Spec.Containers.Select(c => (t.Workload, t.Template.Spec, c)));

    public V1Service HeadlessService => Assert.Single(OfType<V1Service>(), s => s.Spec.ClusterIP == "None");

    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null &&
        selector.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <summary>The value following a flag in a container's arguments (null if the flag is absent).</summary>
    public static string? Argument(V1Container container, string flag)
    {
        var args = container.Args ?? [];
        var index = args.IndexOf(flag);
        return index >= 0 && index + 1 < args.Count ? args[index + 1] : null;
    }

    public static V1Volume VolumeOf(V1PodSpec pod, V1VolumeMount mount) => Assert.Single(pod.Volumes, v => v.Name == mount.Name);
}
