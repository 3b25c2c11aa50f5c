using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Shared.Tests.Text;

/// <summary>Runs a script of tests/parity/js (parity.mjs by default: Hugging Face's JavaScript tokenizers) on a request and returns its JSON.</summary>
internal static class NodeReference
{
    public static JsonObject Run(JsonObject request, string script = "parity.mjs")
    {
        var scriptDir = Path.Combine(TestTokenizers.RepoRoot, "tests", "parity", "js");
        if (!Directory.Exists(Path.Combine(scriptDir, "node_modules", "tokenizers")) ||
            !Directory.Exists(Path.Combine(scriptDir, "node_modules", "@huggingface", "transformers")))
        {
            Assert.Fail($"The JavaScript reference tokenizers are not installed in {scriptDir}/node_modules: run .ci/prepare-test-tools (npm ci in tests/parity/js) first.");
        }
        var requestPath = Path.Combine(Path.GetTempPath(), $"tokenizer-parity-{Guid.NewGuid():N}.json");
        File.WriteAllText(requestPath, request.ToJsonString());
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(scriptDir, script), requestPath])
            {
                WorkingDirectory = scriptDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = System.Text.Encoding.UTF8,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000)) { process.Kill(true); Assert.Fail($"node {script} timed out"); }
            if (process.ExitCode != 0) Assert.Fail($"node {script} failed ({process.ExitCode}): {stderr.Result}");
            return JsonNode.Parse(stdout)!.AsObject();
        }
        finally
        {
            File.Delete(requestPath);
        }
    }

    public static int[] Ints(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
    public static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
    public static int?[] NullableInts(JsonNode? node) => node!.AsArray().Select(n => n is null ? (int?)null : n.GetValue<int>()).ToArray();
    public static (int, int)[] Offsets(JsonNode? node) =>
        node!.AsArray().Select(n => (n![0]!.GetValue<int>(), n[1]!.GetValue<int>())).ToArray();
}
