using Orchestrator.Torch;
using Serilog;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models;

/// <summary>What loading a checkpoint into a model did (names are the model's).</summary>
public sealed record CheckpointLoadReport(
    IReadOnlyList<string> NewlyInitialized,
    IReadOnlyList<string> Unused,
    IReadOnlyList<string> Mismatched);

/// <summary>
/// Copies checkpoint tensors into a model the way from_pretrained does: old LayerNorm names (gamma/beta) are
/// renamed, a base-model checkpoint (no `bert.` prefix) loads into a task model and a task checkpoint into a base
/// model, head weights the checkpoint lacks are initialised fresh and logged in one line, unused checkpoint
/// weights in another. Unlike from_pretrained, missing encoder weights are an error (a truncated or foreign
/// checkpoint would otherwise train from noise), and so is a shape mismatch unless ignoreMismatchedSizes.
/// </summary>
public static class CheckpointLoader
{
    /// <param name="model">The model to fill.</param>
    /// <param name="basePrefix">The base model's attribute name (`bert`, `distilbert`).</param>
    /// <param name="modelIsBase">True when <paramref name="model"/> is the bare encoder (its names lack the prefix).</param>
    /// <param name="checkpoint">Checkpoint tensors by name (not disposed here).</param>
    /// <param name="source">The checkpoint file, for messages.</param>
    public static CheckpointLoadReport Load(Module model, string basePrefix, bool modelIsBase, ModelConfig config,
        IReadOnlyDictionary<string, torch.Tensor> checkpoint, string source, bool ignoreMismatchedSizes, ILogger? logger, string architecture)
    {
        var renamed = Rename(checkpoint, basePrefix, modelIsBase); // model name -> (checkpoint name, tensor)
        using var scope = torch.NewDisposeScope();
        var own = model.state_dict();

        CheckLabelCount(own, renamed, source, ignoreMismatchedSizes);
        var mismatched = new List<string>();
        foreach (var (name, target) in own)
        {
            if (!renamed.TryGetValue(name, out var found) || found.tensor.shape.SequenceEqual(target.shape)) continue;
            var detail = $"{found.name}: shape [{string.Join(", ", found.tensor.shape)}] in the checkpoint, [{string.Join(", ", target.shape)}] in the model";
            if (!ignoreMismatchedSizes)
                throw new ModelCheckpointException($"{source}: size mismatch for {detail}. Pass --ignore-mismatched-sizes to initialise such weights afresh.");
            mismatched.Add(detail);
        }

        var missing = own.Keys.Where(n => !renamed.ContainsKey(n)).ToList();
        var missingEncoder = missing.Where(n => !IsHeadOrPooler(n, basePrefix, modelIsBase)).ToList();
        if (missingEncoder.Count > 0)
            throw new ModelCheckpointException(
                $"{source}: the checkpoint lacks {missingEncoder.Count} encoder weight(s) of {architecture}: [{string.Join(", ", missingEncoder.Take(20))}{(missingEncoder.Count > 20 ? ", ..." : "")}]. " +
                "It is truncated or belongs to another architecture; only a classification head (and the pooler) may be missing.");

        var unused = renamed.Where(kv => !own.ContainsKey(kv.Key)).Select(kv => kv.Value.name).Order(StringComparer.Ordinal).ToList();
        var fresh = new HashSet<string>(missing);
        using (torch.no_grad())
            foreach (var (name, target) in own)
            {
                if (!renamed.TryGetValue(name, out var found)) continue;
                if (!found.tensor.shape.SequenceEqual(target.shape)) { fresh.Add(name); continue; }
                target.copy_(found.tensor);
            }
        WeightInit.Apply(model, config, fresh);

        var newlyInitialized = missing.Order(StringComparer.Ordinal).ToList();
        if (newlyInitialized.Count > 0)
            logger?.Warning("Some weights of {Architecture} were not initialized from the checkpoint {Checkpoint} and are newly initialized: {NewlyInitialized}",
                architecture, source, newlyInitialized);
        if (mismatched.Count > 0)
            logger?.Warning("Some weights of {Architecture} were newly initialized because their shapes did not match the checkpoint {Checkpoint}: {MismatchedWeights}",
                architecture, source, mismatched);
        if (unused.Count > 0)
            logger?.Warning("Some weights of the checkpoint {Checkpoint} were not used when initializing {Architecture}: {UnusedWeights}",
                source, architecture, unused);
        return new CheckpointLoadReport(newlyInitialized, unused, mismatched);
    }

    // The classifier's row count is the label count: say so in terms of labels, not tensor shapes.
    private static void CheckLabelCount(Dictionary<string, torch.Tensor> own, Dictionary<string, (string name, torch.Tensor tensor)> renamed,
        string source, bool ignoreMismatchedSizes)
    {
        const string head = "classifier.weight";
        if (ignoreMismatchedSizes || !own.TryGetValue(head, out var target) || !renamed.TryGetValue(head, out var found)) return;
        if (found.tensor.Dimensions == 2 && target.Dimensions == 2 && found.tensor.size(1) == target.size(1) && found.tensor.size(0) != target.size(0))
            throw new LabelCountMismatchException(source, (int)found.tensor.size(0), (int)target.size(0));
    }

    private static bool IsHeadOrPooler(string name, string basePrefix, bool modelIsBase)
    {
        var pooler = modelIsBase ? "pooler." : basePrefix + ".pooler.";
        return name.StartsWith(pooler, StringComparison.Ordinal) || (!modelIsBase && !name.StartsWith(basePrefix + ".", StringComparison.Ordinal));
    }

    /// <summary>Checkpoint names as the model names them, keeping the original name for messages.</summary>
    private static Dictionary<string, (string name, torch.Tensor tensor)> Rename(IReadOnlyDictionary<string, torch.Tensor> checkpoint, string basePrefix, bool modelIsBase)
    {
        var prefix = basePrefix + ".";
        var hasPrefix = checkpoint.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        var result = new Dictionary<string, (string, torch.Tensor)>(StringComparer.Ordinal);
        foreach (var (original, tensor) in checkpoint)
        {
            // position_ids was a persistent buffer in older transformers; it is derived, never learned.
            if (original.EndsWith("embeddings.position_ids", StringComparison.Ordinal)) continue;
            var name = FixLegacyName(original);
            if (modelIsBase && hasPrefix && name.StartsWith(prefix, StringComparison.Ordinal)) name = name[prefix.Length..];
            else if (!modelIsBase && !hasPrefix) name = prefix + name;
            if (!result.TryAdd(name, (original, tensor)))
                throw new ModelCheckpointException($"the checkpoint holds two tensors for {name}: {result[name].Item1} and {original}");
        }
        return result;
    }

    // TF-era names: LayerNorm.gamma / LayerNorm.beta.
    private static string FixLegacyName(string name) =>
        name.EndsWith(".gamma", StringComparison.Ordinal) ? name[..^".gamma".Length] + ".weight"
        : name.EndsWith(".beta", StringComparison.Ordinal) ? name[..^".beta".Length] + ".bias"
        : name;
}
