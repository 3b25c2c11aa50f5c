using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.Bert;

/// <summary>BertEmbeddings: word + token type + absolute position embeddings, LayerNorm, dropout.</summary>
public sealed class BertEmbeddings : Module
{
    public Embedding word_embeddings { get; }
    public Embedding position_embeddings { get; }
    public Embedding token_type_embeddings { get; }
    public LayerNorm LayerNorm { get; }
    public Dropout dropout { get; }

    public BertEmbeddings(ModelConfig config)
    {
        word_embeddings = register_module("word_embeddings", new Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId));
        position_embeddings = register_module("position_embeddings", new Embedding(config.MaxPositionEmbeddings, config.HiddenSize));
        token_type_embeddings = register_module("token_type_embeddings", new Embedding(config.TypeVocabSize, config.HiddenSize));
        LayerNorm = register_module("LayerNorm", new LayerNorm(config.HiddenSize, config.LayerNormEps));
        dropout = register_module("dropout", new Dropout(config.HiddenDropoutProb));
    }

    public torch.Tensor forward(torch.Tensor input_ids, torch.Tensor? token_type_ids)
    {
        var seqLength = input_ids.size(1);
        using var positionIds = torch.arange(seqLength, ScalarType.Int64, input_ids.device);
        using var zeros = token_type_ids is null ? torch.zeros(input_ids.shape, ScalarType.Int64, input_ids.device) : null;
        using var inputs = word_embeddings.forward(input_ids);
        using var types = token_type_embeddings.forward(token_type_ids ?? zeros!);
        using var positions = position_embeddings.forward(positionIds);
        using var sum = inputs.add(types);
        using var embeddings = sum.add(positions);
        using var normed = LayerNorm.forward(embeddings);
        return dropout.forward(normed);
    }
}
