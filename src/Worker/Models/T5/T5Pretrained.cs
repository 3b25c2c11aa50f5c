using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Serilog;

namespace Orchestrator.Worker.Models.T5;

/// <summary>from_pretrained / save_pretrained for T5ForConditionalGeneration.</summary>
public static class T5Pretrained
{
    /// <summary>
    /// Names transformers accepts in a T5 checkpoint without a matching parameter: the stacks' embed_tokens (tied to
    /// `shared`), lm_head when tied, and the cross-attention bias old checkpoints carry (_keys_to_ignore_on_load_unexpected).
    /// </summary>
    private static readonly string[] TiedAliases = ["encoder.embed_tokens.weight", "decoder.embed_tokens.weight"];
    private const string IgnoredCrossAttentionBias = "decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight";

    /// <summary>A model initialised as transformers' _init_weights does, from the default generator seeded with <paramref name="seed"/>.</summary>
    public static T5ForConditionalGeneration CreateRandom(T5Config config, long seed)
    {
        return torch.WithSeed(seed, () =>
        {
            var model = new T5ForConditionalGeneration(config);
            T5WeightInit.Apply(model);
            return model;
        });
    }

    /// <summary>
    /// Reads config.json and model.safetensors (or the sharded index) of <paramref name="folder"/>. Every parameter
    /// must be in the checkpoint (a missing or mis-shaped one is a <see cref="ModelCheckpointException"/> naming it);
    /// tied aliases are accepted, anything else unused is listed in one warning.
    /// </summary>
    public static T5ForConditionalGeneration Load(string folder, ILogger? logger = null)
    {
        var configPath = Path.Combine(folder, ModelConfig.FileName);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"{configPath} not found: a model folder needs config.json next to its weights", configPath);
        var config = T5Config.Load(configPath);
        var weights = CheckpointTensors.Locate(folder);
        var model = new T5ForConditionalGeneration(config);
        try
        {
            using var scope = torch.NewDisposeScope();
            var state = CheckpointTensors.Load(folder);
            LoadState(model, state, weights, logger);
            logger?.Information("Loaded {Architecture} from {Checkpoint}", model.Architecture, weights);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Copies checkpoint tensors (transformers' names) into <paramref name="model"/>; <paramref name="source"/> names the file in messages.</summary>
    public static void LoadState(T5ForConditionalGeneration model, IReadOnlyDictionary<string, torch.Tensor> checkpoint, string source, ILogger? logger)
    {
        var state = new Dictionary<string, torch.Tensor>(checkpoint, StringComparer.Ordinal);
        // A checkpoint that kept only a stack's copy of the tied embedding still has it under an alias.
        if (!state.ContainsKey("shared.weight") && TiedAliases.FirstOrDefault(state.ContainsKey) is { } alias)
            state["shared.weight"] = state[alias];
        using var scope = torch.NewDisposeScope();
        var own = model.state_dict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new ModelCheckpointException(
                $"{source}: the checkpoint lacks {missing.Count} weight(s) of {model.Architecture}: [{string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", ..." : "")}]. " +
                (missing.SequenceEqual(new[] { "lm_head.weight" }) ? "It has a tied lm_head (tie_word_embeddings true, T5 v1.0) while config.json says untied." : "It is truncated or belongs to another architecture."));
        foreach (var (name, target) in own)
            if (!state[name].shape.SequenceEqual(target.shape))
                throw new ModelCheckpointException($"{source}: size mismatch for {name}: shape [{string.Join(", ", state[name].shape)}] in the checkpoint, [{string.Join(", ", target.shape)}] in the model");
        var accepted = new HashSet<string>(TiedAliases) { IgnoredCrossAttentionBias };
        if (model.Config.TieWordEmbeddings) accepted.Add("lm_head.weight");
        var unused = state.Keys.Where(k => !own.ContainsKey(k) && !accepted.Contains(k)).Order(StringComparer.Ordinal).ToList();
        using (torch.no_grad())
            foreach (var (name, target) in own)
                target.copy_(state[name]);
        if (unused.Count > 0)
            logger?.Warning("Some weights of the checkpoint {Checkpoint} were not used when initializing {Architecture}: {UnusedWeights}",
                source, model.Architecture, unused);
    }

    /// <summary>
    /// save_pretrained: config.json and model.safetensors ({"format":"pt"}, `shared.weight` once, no embed_tokens
    /// copies; `lm_head.weight` only when untied), each written atomically; tokenizer files copied from
    /// <paramref name="tokenizerSource"/> when given.
    /// </summary>
    public static void Save(T5ForConditionalGeneration model, string folder, string? tokenizerSource = null)
    {
        using var snapshot = model.Snapshot();
        PretrainedModels.Save(snapshot, folder, tokenizerSource);
    }

    /// <summary>The files of a T5 tokenizer folder (SentencePiece model and/or tokenizer.json with their configs).</summary>
    public static IReadOnlyList<string> TokenizerFileNames { get; } =
        ["spiece.model", TokenizerFiles.TokenizerJson, TokenizerFiles.TokenizerConfig, TokenizerFiles.SpecialTokensMap, "added_tokens.json"];

    /// <summary>Copies the T5 tokenizer files present in <paramref name="source"/>; at least one must be.</summary>
    public static void CopyTokenizerFiles(string source, string destination)
    {
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"tokenizer folder {source} does not exist");
        if (Path.GetFullPath(source) == Path.GetFullPath(destination)) return;
        var copied = 0;
        foreach (var name in TokenizerFileNames)
        {
            var from = Path.Combine(source, name);
            if (!File.Exists(from)) continue;
            var bytes = File.ReadAllBytes(from);
            DurableFile.Write(Path.Combine(destination, name), s => s.Write(bytes));
            copied++;
        }
        if (copied == 0)
            throw new FileNotFoundException($"{source} holds no tokenizer file (expected one of: {string.Join(", ", TokenizerFileNames)})");
    }
}
