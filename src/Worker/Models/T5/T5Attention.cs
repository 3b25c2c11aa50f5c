using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.T5;

/// <summary>
/// T5Attention: multi-head attention without bias terms and without 1/sqrt(d) scaling (T5 folds it into the
/// initialisation of q). Positions enter as a learned scalar per head and relative-distance bucket, added to the
/// scores; only the first layer of each stack owns <c>relative_attention_bias</c> and the stack hands the bias
/// (with the attention mask already added) to the later layers.
/// </summary>
public sealed class T5Attention : Module
{
    private readonly bool isDecoder;
    private readonly int heads;
    private readonly int dKv;
    private readonly int numBuckets;
    private readonly int maxDistance;

    public Linear q { get; }
    public Linear k { get; }
    public Linear v { get; }
    public Linear o { get; }
    public Embedding? relative_attention_bias { get; }
    /// <summary>Dropout on the attention weights (transformers calls F.dropout with dropout_rate; no parameters).</summary>
    public Dropout dropout { get; }

    public bool has_relative_attention_bias => relative_attention_bias is not null;

    public T5Attention(T5Config config, bool isDecoder, bool hasRelativeAttentionBias)
    {
        this.isDecoder = isDecoder;
        heads = config.NumHeads;
        dKv = config.DKv;
        numBuckets = config.RelativeAttentionNumBuckets;
        maxDistance = config.RelativeAttentionMaxDistance;
        q = register_module("q", new Linear(config.DModel, config.InnerDim, hasBias: false));
        k = register_module("k", new Linear(config.DModel, config.InnerDim, hasBias: false));
        v = register_module("v", new Linear(config.DModel, config.InnerDim, hasBias: false));
        o = register_module("o", new Linear(config.InnerDim, config.DModel, hasBias: false));
        if (hasRelativeAttentionBias)
            relative_attention_bias = register_module("relative_attention_bias", new Embedding(numBuckets, heads));
        dropout = register_module("dropout", new Dropout(config.DropoutRate));
    }

    /// <summary>
    /// T5Attention._relative_position_bucket for a [query, key] matrix of key - query distances. Half the buckets hold
    /// exact distances, the rest grow logarithmically up to max_distance; bidirectional (encoder) uses separate
    /// buckets for keys after the query, causal (decoder) folds every key after the query into bucket 0.
    /// The logarithm runs in libtorch's float32 as in transformers, so bucket edges are the same.
    /// </summary>
    public static torch.Tensor RelativePositionBucket(long[] relativePosition, long rows, long columns, bool bidirectional, int numBuckets, int maxDistance)
    {
        var buckets = new long[relativePosition.Length];
        var distance = new long[relativePosition.Length];
        if (bidirectional) numBuckets /= 2;
        for (var i = 0; i < relativePosition.Length; i++)
        {
            var r = relativePosition[i];
            if (bidirectional)
            {
                buckets[i] = r > 0 ? numBuckets : 0;
                distance[i] = Math.Abs(r);
            }
            else distance[i] = -Math.Min(r, 0);
        }
        var maxExact = numBuckets / 2;
        // max_exact + (log(d / max_exact) / log(max_distance / max_exact) * (num_buckets - max_exact)).to(long)
        long[] large;
        using (var scope = torch.NewDisposeScope())
        {
            var d = torch.tensor(distance).to(ScalarType.Float32);
            var scaled = d.div(maxExact).log().div(Math.Log((double)maxDistance / maxExact)).mul(numBuckets - maxExact);
            large = scaled.to(ScalarType.Int64).data<long>();
        }
        for (var i = 0; i < buckets.Length; i++)
            buckets[i] += distance[i] < maxExact ? distance[i] : Math.Min(maxExact + large[i], numBuckets - 1);
        return torch.tensor(buckets, [rows, columns]);
    }

    /// <summary>compute_bias: [1, heads, query, key] for queries at positions queryOffset.. and keys at 0..keyLength-1.</summary>
    public torch.Tensor ComputeBias(long queryLength, long keyLength, long queryOffset = 0)
    {
        var table = relative_attention_bias ?? throw new InvalidOperationException("this attention layer has no relative_attention_bias");
        var relative = new long[queryLength * keyLength];
        for (long i = 0; i < queryLength; i++)
            for (long j = 0; j < keyLength; j++)
                relative[i * keyLength + j] = j - (queryOffset + i);
        using var buckets = RelativePositionBucket(relative, queryLength, keyLength, bidirectional: !isDecoder, numBuckets, maxDistance);
        using var values = table.forward(buckets); // [query, key, heads]
        using var permuted = values.permute(2, 0, 1);
        return permuted.unsqueeze(0);
    }

    /// <param name="hidden">[batch, query, d_model], the queries (and keys/values for self-attention).</param>
    /// <param name="mask">Additive mask, 0 where attending and finfo(float32).min where not, broadcastable to [batch, heads, query, key]; or null.</param>
    /// <param name="keyValueStates">The encoder output for cross-attention, null for self-attention.</param>
    /// <param name="positionBias">The bias (mask included) computed by the stack's first layer, or null to compute it here.</param>
    /// <param name="cache">Generation cache of this layer: self-attention appends to it, cross-attention fills it once.</param>
    /// <param name="pastLength">Positions already in the self-attention cache (the first query's position).</param>
    /// <param name="computedBias">The bias this call computed (mask added), for the next layers; null when <paramref name="positionBias"/> was given.</param>
    public torch.Tensor forward(torch.Tensor hidden, torch.Tensor? mask, torch.Tensor? keyValueStates, torch.Tensor? positionBias,
        T5AttentionCache? cache, long pastLength, out torch.Tensor? computedBias)
    {
        var batch = hidden.size(0);
        var queryLength = hidden.size(1);
        using var query = Heads(q.forward(hidden), batch);
        var (key, value) = keyValueStates is null ? SelfKeyValues(hidden, batch, cache) : CrossKeyValues(keyValueStates, batch, cache);
        using (key)
        using (value)
        {
            using var keyT = key.transpose(3, 2);
            using var scores = query.matmul(keyT);
            var keyLength = key.size(2);
            computedBias = null;
            if (positionBias is null)
            {
                using var bias = has_relative_attention_bias ? ComputeBias(queryLength, keyLength, pastLength) : torch.zeros([1, heads, queryLength, keyLength], scores.dtype, scores.device);
                computedBias = mask is null ? bias.alias() : bias.add(mask);
                positionBias = computedBias;
            }
            using var biased = scores.add(positionBias);
            using var asFloat = biased.to(ScalarType.Float32);
            using var probsFloat = asFloat.softmax(-1);
            using var probs = probsFloat.to(scores.dtype);
            using var dropped = dropout.forward(probs);
            using var context = dropped.matmul(value);
            using var transposed = context.transpose(1, 2);
            using var contiguous = transposed.contiguous();
            using var merged = contiguous.view(batch, -1, heads * dKv);
            return o.forward(merged);
        }
    }

    private (torch.Tensor key, torch.Tensor value) SelfKeyValues(torch.Tensor hidden, long batch, T5AttentionCache? cache)
    {
        var key = Heads(k.forward(hidden), batch);
        var value = Heads(v.forward(hidden), batch);
        if (cache is null) return (key, value);
        using (key)
        using (value)
            return cache.Append(key, value);
    }

    private (torch.Tensor key, torch.Tensor value) CrossKeyValues(torch.Tensor encoderHidden, long batch, T5AttentionCache? cache)
    {
        if (cache is { IsEmpty: false }) return (cache.Key!.alias(), cache.Value!.alias());
        var key = Heads(k.forward(encoderHidden), batch);
        var value = Heads(v.forward(encoderHidden), batch);
        cache?.Set(key, value);
        return (key, value);
    }

    // [batch, length, inner] -> [batch, heads, length, d_kv]
    private torch.Tensor Heads(torch.Tensor projected, long batch)
    {
        using (projected)
        using (var split = projected.view(batch, -1, heads, dKv))
            return split.transpose(1, 2);
    }
}
