using Orchestrator.Coordinator.Run;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>The tests that start whole training runs share one collection: one at a time on two cores.</summary>
[CollectionDefinition(Name)]
public sealed class TrainingRunsCollection : ICollectionFixture<TinyRun>
{
    public const string Name = "Training runs";
}

/// <summary>
/// A training run small enough to repeat many times: the tiny default base model (created once, in a
/// temporary folder) on the first 64 training and 40 validation sentences of the bundled NER data,
/// 2 workers with batch 4, so 8 steps per epoch and 24 in 3 epochs; a checkpoint every 4 steps and
/// at every epoch end (step-000004, epoch-0001, step-000012, epoch-0002, step-000020, epoch-0003).
/// The uninterrupted reference run is made once, on first use.
/// </summary>
public sealed class TinyRun : IDisposable
{
    public const int TotalSteps = 24;

    public static readonly string[] CheckpointNames =
        ["epoch-0001", "epoch-0002", "epoch-0003", "step-000004", "step-000012", "step-000020"];

    private readonly Lazy<Task<string>> _reference;

    public TinyRun()
    {
        Root = Path.Combine(Path.GetTempPath(), "orc-run-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
        DataFolder = Path.Combine(Root, "data");
        Directory.CreateDirectory(DataFolder);
        var bundled = Path.Combine(DefaultRun.DataRoot, "ner");
        File.Copy(Path.Combine(bundled, "labels.txt"), Path.Combine(DataFolder, "labels.txt"));
        WriteSentences(Path.Combine(bundled, "train.conll"), Path.Combine(DataFolder, "train.conll"), 64);
        WriteSentences(Path.Combine(bundled, "validation.conll"), Path.Combine(DataFolder, "validation.conll"), 40);
        ModelFolder = Path.Combine(Root, "base-model");
        DefaultRun.EnsureBaseModel(ModelFolder, Path.Combine(DefaultRun.DataRoot, "vocab.txt"), DefaultRun.BundledNerLabels());
        _reference = new Lazy<Task<string>>(RunReferenceAsync);
    }

    public string Root { get; }

    public string DataFolder { get; }

    public string ModelFolder { get; }

    /// <summary>A fresh path under the fixture's folder (not created).</summary>
    public string NewRunFolder(string name) => Path.Combine(Root, $"{name}-{Guid.NewGuid().ToString("N")[..6]}");

    public IReadOnlyList<string> Arguments(string output, string learningRate = "2e-3") =>
    [
        "train", "--model", ModelFolder, "--data", DataFolder, "--output", output,
        "--workers", "2", "--epochs", "3", "--batch-size", "4", "--per-device-eval-batch-size", "8",
        "--lr", learningRate, "--warmup-ratio", "0.1", "--max-length", "64",
        "--save-steps", "4", "--logging-steps", "1",
    ];

    /// <summary>The run folder of the uninterrupted run with <see cref="Arguments"/>.</summary>
    public Task<string> ReferenceAsync() => _reference.Value;

    private async Task<string> RunReferenceAsync()
    {
        var output = Path.Combine(Root, "reference");
        var outcome = await OrchestratorProcess.RunAsync(Arguments(output), Root);
        if (outcome.ExitCode != 0) throw new InvalidOperationException($"the reference run failed ({outcome.ExitCode}):\n{outcome.Tail()}");
        return output;
    }

    /// <summary>Copies the first <paramref name="count"/> sentences (document markers left out) of a CoNLL file.</summary>
    private static void WriteSentences(string source, string target, int count)
    {
        var sentences = File.ReadAllText(source).Replace("\r\n", "\n")
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(block => !block.StartsWith("-DOCSTART-", StringComparison.Ordinal))
            .Take(count)
            .ToList();
        if (sentences.Count < count) throw new InvalidOperationException($"{source} has only {sentences.Count} sentences");
        File.WriteAllText(target, string.Join("\n\n", sentences) + "\n");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
