using k8s;

namespace Orchestrator.Deploy.Tests;

/// <summary>The manifest tests rely on strict loading: a misspelt field must fail the load, not vanish.</summary>
public class StrictLoadingTests
{
    [Fact]
    public void A_misspelt_field_fails_the_strict_load_that_the_manifest_tests_use()
    {
        var yaml = RenderedOverlay.Of("cpu").Yaml;
        Assert.Contains("  backoffLimit: ", yaml);
        var misspelt = yaml.Replace("  backoffLimit: ", "  backofLimit: ");
        Assert.NotEmpty(KubernetesYaml.LoadAllFromString(misspelt, strict: false));
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(misspelt, strict: true));
    }

    [Fact]
    public void A_value_of_the_wrong_type_fails_the_load()
    {
        var yaml = RenderedOverlay.Of("cpu").Yaml;
        var wrongType = yaml.Replace("  completions: 2", "  completions: two");
        Assert.NotEqual(yaml, wrongType);
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(wrongType, strict: true));
    }
}
