using System.Diagnostics;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Models;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Orchestrator.Worker.Tests.Models;

/// <summary>A folder under the temp directory, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("orchestrator-models-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Sub(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Collects Serilog events so tests can assert on templates and properties.</summary>
internal sealed class CapturingSink : ILogEventSink
{
    public List<LogEvent> Events { get; } = [];

    public void Emit(LogEvent logEvent) => Events.Add(logEvent);

    public ILogger Logger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    /// <summary>The string items of a sequence property of the single event whose template contains <paramref name="templatePart"/>.</summary>
    public IReadOnlyList<string> ListProperty(string templatePart, string property)
    {
        var matching = Events.Where(e => e.MessageTemplate.Text.Contains(templatePart)).ToList();
        Assert.True(matching.Count == 1, $"expected one event containing '{templatePart}', got {matching.Count}");
        var value = Assert.IsType<SequenceValue>(matching[0].Properties[property]);
        return value.Elements.Select(e => ((ScalarValue)e).Value!.ToString()!).ToList();
    }
}

/// <summary>Small configurations and batches (padding, token types, -100 labels) shared by the model tests.</summary>
internal static class Tiny
{
    public static ModelConfig Config(string modelType, int labels = 5, bool sinusoidal = false, string activation = "gelu") => modelType == "distilbert"
        ? new ModelConfig
        {
            ModelType = "distilbert", VocabSize = 50, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64,
            MaxPositionEmbeddings = 40, TypeVocabSize = 0, HiddenAct = activation, SinusoidalPosEmbds = sinusoidal,
            Labels = Enumerable.Range(0, labels).Select(i => $"TAG_{i}").ToList(),
        }
        : new ModelConfig
        {
            ModelType = "bert", VocabSize = 50, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64,
            MaxPositionEmbeddings = 40, HiddenAct = activation,
            Labels = Enumerable.Range(0, labels).Select(i => $"TAG_{i}").ToList(),
        };

    public const int Batch = 3;
    public const int Seq = 7;

    // Row 0 is full, rows 1 and 2 are padded (attention mask 0, pad id 0, label -100).
    private static readonly long[] Lengths = [7, 5, 3];

    public static Dictionary<string, torch.Tensor> Inputs(ModelTask task, int labels, bool regression = false)
    {
        var ids = new long[Batch * Seq];
        var mask = new long[Batch * Seq];
        var types = new long[Batch * Seq];
        var tokenLabels = new long[Batch * Seq];
        for (var b = 0; b < Batch; b++)
            for (var s = 0; s < Seq; s++)
            {
                var i = b * Seq + s;
                var real = s < Lengths[b];
                ids[i] = real ? 1 + (b * 13 + s * 7) % 49 : 0;
                mask[i] = real ? 1 : 0;
                types[i] = real && s >= Lengths[b] / 2 ? 1 : 0;
                // [CLS] at 0 and padding ignored, one more -100 inside row 0 (a continuation sub-token)
                tokenLabels[i] = !real || s == 0 || (b == 0 && s == 3) ? -100 : (b + s) % labels;
            }
        var result = new Dictionary<string, torch.Tensor>
        {
            ["input_ids"] = torch.tensor(ids, [Batch, Seq]),
            ["attention_mask"] = torch.tensor(mask, [Batch, Seq]),
            ["token_type_ids"] = torch.tensor(types, [Batch, Seq]),
        };
        result["labels"] = task == ModelTask.TokenClassification ? torch.tensor(tokenLabels, [Batch, Seq])
            : regression ? torch.tensor(new[] { 0.5f, -1.25f, 2f })
            : torch.tensor(Enumerable.Range(0, Batch).Select(b => (long)((b * 2 + 1) % labels)).ToArray());
        return result;
    }

    public static ModelOutput Run(ITaskModel model, IReadOnlyDictionary<string, torch.Tensor> inputs) =>
        model.forward(inputs["input_ids"], inputs["attention_mask"], inputs["token_type_ids"], inputs.GetValueOrDefault("labels"));
}

/// <summary>Runs tests/parity/bert_reference.py with PyTorch (`/usr/bin/python3`).</summary>
internal static class BertReference
{
    private const string Python = "/usr/bin/python3";

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
    }

    public static string Script => System.IO.Path.Combine(RepositoryRoot(), "tests", "parity", "bert_reference.py");

    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the Python reference did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"bert_reference.py {string.Join(" ", arguments)} failed: {stderr.Result}");
    }

    public static void WriteInputs(string path, IReadOnlyDictionary<string, torch.Tensor> inputs) =>
        SafetensorsWriter.Write(path, inputs);

    public static Dictionary<string, torch.Tensor> Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.ReadAll();
    }
}
