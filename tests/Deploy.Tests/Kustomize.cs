using System.Diagnostics;

namespace Orchestrator.Deploy.Tests;

/// <summary>
/// Renders a kustomization offline with <c>kubectl kustomize</c>, as a user's <c>kubectl apply -k</c> would.
/// kubectl is found in ORCHESTRATOR_KUBECTL, else in tools/bin (where .ci/prepare-test-tools puts a pinned
/// one on machines without kubectl), else on PATH.
/// </summary>
public static class Kustomize
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Render(string relativeDirectory)
    {
        var directory = Path.Combine(RepoRoot, relativeDirectory);
        var start = new ProcessStartInfo(Kubectl(), ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"kubectl kustomize {relativeDirectory} failed ({process.ExitCode}): {stderr.Result}");
        return stdout;
    }

    static string Kubectl()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ORCHESTRATOR_KUBECTL");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        var pinned = Path.Combine(RepoRoot, "tests", "Deploy.Tests", "tools", "bin", "kubectl");
        if (File.Exists(pinned)) return pinned;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            if (folder.Length > 0 && File.Exists(Path.Combine(folder, "kubectl")))
                return Path.Combine(folder, "kubectl");
        throw new InvalidOperationException("kubectl not found: run .ci/prepare-test-tools (it installs a pinned kubectl into tests/Deploy.Tests/tools/bin)");
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
    }
}
