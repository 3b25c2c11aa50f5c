using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.T5;

/// <summary>
/// T5Stack: the encoder or the decoder. Token embeddings come from the model's `shared` table, which the stack uses
/// but does not register (transformers ties `encoder.embed_tokens` and `decoder.embed_tokens` to `shared` and
/// save_pretrained writes only `shared.weight`). Then embedding dropout, the blocks (`block.0` owns the relative
/// attention bias), `final_layer_norm` and dropout.
/// </summary>
public sealed class T5Stack : Module
{
    private readonly Embedding embedTokens;

    public bool is_decoder { get; }
    public ModuleList<T5Block> block { get; }
    public T5LayerNorm final_layer_norm { get; }
    public Dropout dropout { get; }

    public T5Stack(T5Config config, Embedding embedTokens, bool isDecoder)
    {
        this.embedTokens = embedTokens;
        is_decoder = isDecoder;
        var layers = isDecoder ? config.NumDecoderLayers : config.NumLayers;
        block = register_module("block", new ModuleList<T5Block>(Enumerable.Range(0, layers).Select(i => new T5Block(config, isDecoder, hasRelativeAttentionBias: i == 0))));
        final_layer_norm = register_module("final_layer_norm", new T5LayerNorm(config.DModel, config.LayerNormEpsilon));
        dropout = register_module("dropout", new Dropout(config.DropoutRate));
    }

    /// <summary>
    /// The last hidden state [batch, seq, d_model]. <paramref name="attention_mask"/> is the 0/1 padding mask of
    /// <paramref name="input_ids"/> (null: all tokens; for the decoder it is combined with the causal mask).
    /// The decoder also takes the encoder output and its mask and, during generation, the cache: then
    /// <paramref name="input_ids"/> holds only the new positions.
    /// </summary>
    public torch.Tensor forward(torch.Tensor input_ids, torch.Tensor? attention_mask = null,
        torch.Tensor? encoder_hidden_states = null, torch.Tensor? encoder_attention_mask = null, T5DecoderCache? cache = null)
    {
        var pastLength = cache?.Length ?? 0;
        using var mask = is_decoder ? CausalMask(input_ids.size(0), input_ids.size(1), pastLength, attention_mask)
            : attention_mask is null ? null : AttentionMasks.Additive(attention_mask);
        using var encoderMask = is_decoder && encoder_hidden_states is not null && encoder_attention_mask is not null
            ? AttentionMasks.Additive(encoder_attention_mask) : null;
        torch.Tensor? positionBias = null, encoderDecoderPositionBias = null;
        try
        {
            using var embedded = embedTokens.forward(input_ids);
            var hidden = dropout.forward(embedded);
            for (var i = 0; i < block.Count; i++)
            {
                using var previous = hidden;
                hidden = block[i].forward(previous, mask, ref positionBias, encoder_hidden_states, encoderMask, ref encoderDecoderPositionBias,
                    cache?.SelfAttention[i], cache?.CrossAttention[i], pastLength);
            }
            cache?.Advance(input_ids.size(1));
            using (hidden)
            using (var normed = final_layer_norm.forward(hidden))
                return dropout.forward(normed);
        }
        finally
        {
            positionBias?.Dispose();
            encoderDecoderPositionBias?.Dispose();
        }
    }

    /// <summary>
    /// The decoder's additive self-attention mask [batch, 1, query, past + query]: 0 where a query may look (keys up
    /// to its own position, not padded), finfo(float32).min elsewhere, as transformers' _update_causal_mask.
    /// Null for a single new position without padding (every cached key is visible: adding zeros changes nothing).
    /// </summary>
    public static torch.Tensor? CausalMask(long batch, long queryLength, long pastLength, torch.Tensor? attention_mask)
    {
        if (queryLength == 1 && attention_mask is null) return null;
        var keyLength = pastLength + queryLength;
        using var scope = torch.NewDisposeScope();
        var keys = torch.arange(keyLength, ScalarType.Int64).view(1, keyLength);
        var queries = torch.arange(pastLength, keyLength, 1, ScalarType.Int64).view(queryLength, 1);
        var visible = keys.le(queries).view(1, 1, queryLength, keyLength); // [1, 1, q, k]
        if (attention_mask is not null)
        {
            var notPadded = attention_mask.ne(0.0).view(batch, 1, 1, keyLength);
            visible = visible.logical_and(notPadded);
        }
        var zeros = torch.zeros([1], ScalarType.Float32);
        return torch.where(visible, zeros, AttentionMasks.Float32Min).MoveToOuterDisposeScope();
    }
}
