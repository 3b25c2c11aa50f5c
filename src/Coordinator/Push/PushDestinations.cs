using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Coordinator.Push;

/// <summary>Turns push_to entries (file:///path, git+&lt;url&gt;) into destinations for one run folder.</summary>
public static class PushDestinations
{
    public static IPushDestination Create(string spec, string runDirectory, GitPushOptions? gitOptions = null)
    {
        if (spec.StartsWith("git+", StringComparison.Ordinal))
        {
            var url = spec["git+".Length..];
            // One working folder per remote, stable across restarts so a resumed run reuses it.
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..12];
            return new GitPushDestination(url, Path.Combine(runDirectory, "push", "git", key), gitOptions);
        }

        if (spec.StartsWith("file://", StringComparison.Ordinal) && Uri.TryCreate(spec, UriKind.Absolute, out var uri) && uri.IsFile)
            return new FilePushDestination(uri.LocalPath);

        throw new ArgumentException($"push destination '{spec}' is not file:///path or git+<url>", nameof(spec));
    }

    public static IReadOnlyList<IPushDestination> CreateAll(IEnumerable<string> specs, string runDirectory, GitPushOptions? gitOptions = null) =>
        specs.Select(s => Create(s, runDirectory, gitOptions)).ToArray();
}
