using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Orchestrator.Shared.Tests.Text;

/// <summary>
/// Runs tests/parity/sentencepiece_reference.py once (Debian's spm_train and python3-sentencepiece): it trains
/// small Unigram models on a synthetic corpus into a temporary folder, converts each to a tokenizer.json, and
/// records the sentencepiece library's ids, pieces, byte offsets and decode for every test line.
/// </summary>
public sealed class SentencePieceReference : IDisposable
{
    private const string Python = "/usr/bin/python3";

    public SentencePieceReference()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"sentencepiece-parity-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        var script = Path.Combine(TestTokenizers.RepoRoot, "tests", "parity", "sentencepiece_reference.py");
        if (!File.Exists(Python)) Assert.Fail($"{Python} is required (Debian python3 with python3-sentencepiece; see .ci/install-system-packages)");
        var start = new ProcessStartInfo(Python, [script, Folder]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(300_000)) { process.Kill(true); Assert.Fail("sentencepiece_reference.py timed out"); }
        if (process.ExitCode != 0)
            Assert.Fail($"sentencepiece_reference.py failed ({process.ExitCode}); it needs python3-sentencepiece and spm_train (apt: python3-sentencepiece sentencepiece): {stderr.Result}");
        Reference = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")))!.AsObject();
    }

    public string Folder { get; }
    public JsonObject Reference { get; }

    public string ModelDir(string model) => Path.Combine(Folder, model);

    public IEnumerable<Case> Cases(string model) =>
        Reference["models"]![model]!["cases"]!.AsArray().Select(c => new Case(
            c!["text"]!.GetValue<string>(),
            NodeReference.Ints(c["ids"]),
            NodeReference.Strings(c["pieces"]),
            NodeReference.Ints(c["begins"]),
            NodeReference.Ints(c["ends"]),
            c["decoded"]!.GetValue<string>()));

    public int PieceSize(string model) => Reference["models"]![model]!["piece_size"]!.GetValue<int>();

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    public sealed record Case(string Text, int[] Ids, string[] Pieces, int[] Begins, int[] Ends, string Decoded);
}
