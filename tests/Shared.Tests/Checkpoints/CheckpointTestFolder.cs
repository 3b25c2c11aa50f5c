using Orchestrator.Shared.Checkpoints;

namespace Orchestrator.Shared.Tests.Checkpoints;

/// <summary>A fresh runs/&lt;name&gt;/checkpoints folder under the temp directory, deleted afterwards.</summary>
public sealed class CheckpointTestFolder : IDisposable
{
    public CheckpointTestFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "orc-ckpt-" + Guid.NewGuid().ToString("N"));
        Checkpoints = Path.Combine(Root, "runs", "test", "checkpoints");
        Directory.CreateDirectory(Checkpoints);
    }

    public string Root { get; }
    public string Checkpoints { get; }

    public CheckpointWriter Writer => new(Checkpoints);
    public CheckpointStore Store => new(Checkpoints);

    public static TrainerState State(long step, double? f1 = null, int epoch = 0) => new()
    {
        Epoch = epoch,
        GlobalStep = step,
        EpochIndex = epoch,
        StepsInEpoch = 3,
        StepsPerEpoch = 100,
        WorldSize = 2,
        RngStates = { new RankRngState(0, "torch_cpu", new byte[] { 1, 2, 3, 255 }), new RankRngState(1, "torch_cpu", new byte[] { 9, 8 }) },
        LogHistory = { new Dictionary<string, double> { ["loss"] = 0.5, ["learning_rate"] = 2e-5, ["step"] = step } },
        MetricHistory = f1 is null ? new() : new() { new EvaluationRecord(epoch, step, new() { ["eval_overall_f1"] = f1.Value }) },
        RunConfigHash = "abc123",
    };

    /// <summary>Writes a checkpoint with a fake model, config and a tokenizer file in a subfolder.</summary>
    public CheckpointInfo WriteCheckpoint(string name, long step, double? f1 = null) =>
        Writer.Write(name, State(step, f1), folder =>
        {
            File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 + step)).ToArray());
            File.WriteAllText(Path.Combine(folder, "config.json"), "{\"id2label\": {\"0\": \"O\"}}");
            File.WriteAllBytes(Path.Combine(folder, "optimizer.safetensors"), new byte[] { 1, 2, 3, (byte)step });
            Directory.CreateDirectory(Path.Combine(folder, "tokenizer"));
            File.WriteAllText(Path.Combine(folder, "tokenizer", "vocab.txt"), "[PAD]\n[UNK]\nhello\n");
        });

    public string PathOf(string checkpoint, string file) => Path.Combine(Checkpoints, checkpoint, file);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
