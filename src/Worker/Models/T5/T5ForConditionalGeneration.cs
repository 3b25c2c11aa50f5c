using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Worker.Models.T5;

/// <summary>Logits [batch, target, vocab], the loss when labels were given, and the encoder output (for reuse).</summary>
public sealed record Seq2SeqLMOutput(torch.Tensor Logits, torch.Tensor? Loss, torch.Tensor EncoderLastHiddenState);

/// <summary>
/// T5ForConditionalGeneration under transformers' names: `shared` (the token embeddings of both stacks),
/// `encoder`, `decoder` and, for untied checkpoints (v1.1, flan-t5), `lm_head`. With tie_word_embeddings (v1.0) the
/// head is `shared` itself and the decoder output is first scaled by d_model^-0.5.
/// </summary>
public sealed class T5ForConditionalGeneration : Module, Generation.IEncoderDecoderModel, IReplicaModel
{
    public Embedding shared { get; }
    public T5Stack encoder { get; }
    public T5Stack decoder { get; }
    public Linear? lm_head { get; }

    public T5Config Config { get; }
    public string Architecture => T5Config.Architecture;

    public T5ForConditionalGeneration(T5Config config)
    {
        config.Validate();
        Config = config;
        shared = register_module("shared", new Embedding(config.VocabSize, config.DModel));
        encoder = register_module("encoder", new T5Stack(config, shared, isDecoder: false));
        decoder = register_module("decoder", new T5Stack(config, shared, isDecoder: true));
        if (!config.TieWordEmbeddings)
            lm_head = register_module("lm_head", new Linear(config.DModel, config.VocabSize, hasBias: false));
    }

    /// <summary>
    /// Teacher-forced forward. Without <paramref name="decoder_input_ids"/> the decoder reads the labels shifted right
    /// (<see cref="ShiftRight"/>); the loss is cross entropy over every target position with -100 ignored.
    /// </summary>
    /// <param name="input_ids">[batch, source] int64.</param>
    /// <param name="attention_mask">[batch, source], 1 for tokens and 0 for padding.</param>
    /// <param name="labels">[batch, target] int64 with -100 where no loss is wanted, or null.</param>
    public Seq2SeqLMOutput forward(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor? labels = null,
        torch.Tensor? decoder_input_ids = null, torch.Tensor? decoder_attention_mask = null)
    {
        if (labels is null && decoder_input_ids is null)
            throw new ArgumentException("give labels (teacher forcing) or decoder_input_ids", nameof(labels));
        var encoderHidden = encoder.forward(input_ids, attention_mask);
        using var shifted = decoder_input_ids is null ? ShiftRight(labels!, Config.DecoderStartTokenId, Config.PadTokenId) : null;
        using var sequence = decoder.forward(decoder_input_ids ?? shifted!, decoder_attention_mask, encoderHidden, attention_mask);
        var logits = LmHead(sequence);
        torch.Tensor? loss = null;
        if (labels is not null)
        {
            using var flatLogits = logits.view(-1, logits.size(-1));
            using var flatLabels = labels.view(-1);
            loss = F.cross_entropy(flatLogits, flatLabels, ignore_index: -100);
        }
        return new Seq2SeqLMOutput(logits, loss, encoderHidden);
    }

    /// <summary>lm_head, after the d_model^-0.5 rescale when the head is tied to `shared`.</summary>
    public torch.Tensor LmHead(torch.Tensor sequence)
    {
        if (lm_head is not null) return lm_head.forward(sequence);
        using var scaled = sequence.mul(Math.Pow(Config.DModel, -0.5));
        return F.linear(scaled, shared.weight);
    }

    /// <summary>
    /// _shift_right: the decoder inputs for teacher forcing, decoder_start_token_id then the labels without their last
    /// position, with -100 replaced by the pad id.
    /// </summary>
    public static torch.Tensor ShiftRight(torch.Tensor labels, long decoderStartTokenId, long padTokenId)
    {
        using var scope = torch.NewDisposeScope();
        var batch = labels.size(0);
        var start = torch.full([batch, 1], decoderStartTokenId, ScalarType.Int64, labels.device);
        var previous = labels.narrow(1, 0, labels.size(1) - 1);
        var shifted = torch.cat([start, previous], 1);
        var ignored = shifted.eq(-100.0);
        return shifted.masked_fill(ignored, padTokenId).MoveToOuterDisposeScope();
    }

    // ---- IReplicaModel: what a worker's replica trains and evaluates

    public Module Module => this;
    public ModelTask Task => ModelTask.Seq2Seq;

    /// <summary>Teacher-forced logits [batch, target, vocab]; the loss is left to the caller (summed over labelled positions).</summary>
    public torch.Tensor Logits(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor token_type_ids, torch.Tensor labels)
    {
        using var decoderInputs = ShiftRight(labels, Config.DecoderStartTokenId, Config.PadTokenId);
        return forward(input_ids, attention_mask, decoder_input_ids: decoderInputs).Logits;
    }

    /// <summary>
    /// The weights as save_pretrained writes them: `shared.weight` once (the stacks' embed_tokens are not parameters of
    /// their own), `lm_head.weight` only when untied.
    /// </summary>
    public ModelSnapshot Snapshot()
    {
        using var scope = torch.NewDisposeScope();
        var weights = state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.contiguous().clone().DetachFromDisposeScope());
        return new ModelSnapshot(Config.ToJsonString(), weights, TokenizerFamily.SentencePiece)
        {
            GenerationConfigJson = Config.GenerationConfigJson(),
        };
    }

    // ---- IEncoderDecoderModel: what generation needs

    public long DecoderStartTokenId => Config.DecoderStartTokenId;
    public long PadTokenId => Config.PadTokenId;
    public long EosTokenId => Config.EosTokenId;

    public torch.Tensor Encode(torch.Tensor input_ids, torch.Tensor attention_mask) => encoder.forward(input_ids, attention_mask);

    public Generation.IDecoderCache NewCache() => new T5GenerationCache(new T5DecoderCache(Config.NumDecoderLayers));

    public torch.Tensor DecodeNext(torch.Tensor lastTokens, torch.Tensor encoderHidden, torch.Tensor encoderAttentionMask, Generation.IDecoderCache cache)
    {
        var t5Cache = ((T5GenerationCache)cache).Cache;
        using var sequence = decoder.forward(lastTokens, null, encoderHidden, encoderAttentionMask, t5Cache);
        using var logits = LmHead(sequence); // [batch, 1, vocab]
        return logits.select(1, -1);
    }

    private sealed class T5GenerationCache(T5DecoderCache cache) : Generation.IDecoderCache
    {
        public T5DecoderCache Cache { get; } = cache;
        public long Length => Cache.Length;
        public void Reorder(torch.Tensor batchIndex) => Cache.Reorder(batchIndex);
        public void Dispose() => Cache.Dispose();
    }
}
