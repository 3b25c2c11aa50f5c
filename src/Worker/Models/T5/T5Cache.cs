using Orchestrator.Torch;

namespace Orchestrator.Worker.Models.T5;

/// <summary>Keys and values of one attention layer, [batch, heads, length, d_kv], owned by the cache (not by a dispose scope).</summary>
public sealed class T5AttentionCache : IDisposable
{
    public torch.Tensor? Key { get; private set; }
    public torch.Tensor? Value { get; private set; }

    public bool IsEmpty => Key is null;

    /// <summary>Self-attention: appends the new positions' keys and values (dim 2) and returns the whole keys and values.</summary>
    public (torch.Tensor key, torch.Tensor value) Append(torch.Tensor key, torch.Tensor value)
    {
        if (Key is null || Value is null)
        {
            Key = key.alias().DetachFromDisposeScope();
            Value = value.alias().DetachFromDisposeScope();
        }
        else
        {
            var (oldKey, oldValue) = (Key, Value);
            Key = torch.cat([oldKey, key], 2).DetachFromDisposeScope();
            Value = torch.cat([oldValue, value], 2).DetachFromDisposeScope();
            oldKey.Dispose();
            oldValue.Dispose();
        }
        return (Key.alias(), Value.alias());
    }

    /// <summary>Cross-attention: stores keys and values computed once from the encoder output.</summary>
    public void Set(torch.Tensor key, torch.Tensor value)
    {
        Dispose();
        Key = key.alias().DetachFromDisposeScope();
        Value = value.alias().DetachFromDisposeScope();
    }

    /// <summary>Keeps the rows of <paramref name="batchIndex"/> (beam search's reordering), index_select on dim 0.</summary>
    public void Reorder(torch.Tensor batchIndex)
    {
        if (Key is null || Value is null) return;
        var (oldKey, oldValue) = (Key, Value);
        Key = oldKey.index_select(0, batchIndex).DetachFromDisposeScope();
        Value = oldValue.index_select(0, batchIndex).DetachFromDisposeScope();
        oldKey.Dispose();
        oldValue.Dispose();
    }

    public void Dispose()
    {
        Key?.Dispose();
        Value?.Dispose();
        Key = null;
        Value = null;
    }
}

/// <summary>
/// The decoder's key/value cache during generation (transformers' EncoderDecoderCache): per layer, the self-attention
/// keys and values of every position decoded so far, and the cross-attention keys and values of the encoder output,
/// computed at the first step and reused. Each step feeds only the newest token; nothing is recomputed for the prefix.
/// </summary>
public sealed class T5DecoderCache : IDisposable
{
    public T5AttentionCache[] SelfAttention { get; }
    public T5AttentionCache[] CrossAttention { get; }

    /// <summary>Positions already in the self-attention cache (the next token's position).</summary>
    public long Length { get; private set; }

    public T5DecoderCache(int layers)
    {
        SelfAttention = Enumerable.Range(0, layers).Select(_ => new T5AttentionCache()).ToArray();
        CrossAttention = Enumerable.Range(0, layers).Select(_ => new T5AttentionCache()).ToArray();
    }

    /// <summary>Called by the decoder once all layers have appended <paramref name="positions"/> new positions.</summary>
    internal void Advance(long positions) => Length += positions;

    /// <summary>
    /// Beam search's reorder_cache: row i of the self-attention cache becomes row batchIndex[i]. The cross-attention
    /// cache is not touched: beams are only reordered within one input, whose encoder rows are all equal.
    /// </summary>
    public void Reorder(torch.Tensor batchIndex)
    {
        foreach (var layer in SelfAttention) layer.Reorder(batchIndex);
    }

    public void Dispose()
    {
        foreach (var layer in SelfAttention) layer.Dispose();
        foreach (var layer in CrossAttention) layer.Dispose();
    }
}
