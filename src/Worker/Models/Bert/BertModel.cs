using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.Bert;

/// <summary>BertModel: embeddings, encoder and (optionally) pooler, as transformers builds it.</summary>
public sealed class BertModel : Module
{
    public BertEmbeddings embeddings { get; }
    public BertEncoder encoder { get; }
    public BertPooler? pooler { get; }

    public BertModel(ModelConfig config, bool add_pooling_layer = true)
    {
        embeddings = register_module("embeddings", new BertEmbeddings(config));
        encoder = register_module("encoder", new BertEncoder(config));
        if (add_pooling_layer) pooler = register_module("pooler", new BertPooler(config));
    }

    /// <summary>Returns the last hidden state [batch, seq, hidden] and the pooled output (null without a pooler).</summary>
    public (torch.Tensor sequence_output, torch.Tensor? pooled_output) forward(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor? token_type_ids = null)
    {
        using var additiveMask = AttentionMasks.Additive(attention_mask);
        using var embedded = embeddings.forward(input_ids, token_type_ids);
        var sequence = encoder.forward(embedded, additiveMask);
        return (sequence, pooler?.forward(sequence));
    }
}
