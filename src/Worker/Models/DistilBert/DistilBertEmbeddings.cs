using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.DistilBert;

/// <summary>DistilBERT's Embeddings: word + position (learned or sinusoidal), LayerNorm (eps 1e-12), dropout.</summary>
public sealed class DistilBertEmbeddings : Module
{
    public Embedding word_embeddings { get; }
    public Embedding position_embeddings { get; }
    public LayerNorm LayerNorm { get; }
    public Dropout dropout { get; }

    public DistilBertEmbeddings(ModelConfig config)
    {
        word_embeddings = register_module("word_embeddings", new Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId));
        position_embeddings = register_module("position_embeddings", new Embedding(config.MaxPositionEmbeddings, config.HiddenSize));
        if (config.SinusoidalPosEmbds) WriteSinusoidal(position_embeddings.weight);
        LayerNorm = register_module("LayerNorm", new LayerNorm(config.HiddenSize, 1e-12));
        dropout = register_module("dropout", new Dropout(config.HiddenDropoutProb));
    }

    /// <summary>create_sinusoidal_embeddings: sin on even columns, cos on odd ones (float64, then float32); frozen.</summary>
    public static void WriteSinusoidal(torch.Tensor weight)
    {
        var (positions, dim) = (weight.size(0), weight.size(1));
        var values = new float[positions * dim];
        for (long pos = 0; pos < positions; pos++)
            for (long j = 0; j < dim; j++)
            {
                var angle = pos / Math.Pow(10000, 2.0 * (j / 2) / dim);
                values[pos * dim + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        using var table = torch.tensor(values, [positions, dim]);
        using (torch.no_grad()) weight.copy_(table);
        weight.requires_grad = false;
    }

    public torch.Tensor forward(torch.Tensor input_ids)
    {
        using var positionIds = torch.arange(input_ids.size(1), ScalarType.Int64, input_ids.device);
        using var words = word_embeddings.forward(input_ids);
        using var positions = position_embeddings.forward(positionIds);
        using var sum = words.add(positions);
        using var normed = LayerNorm.forward(sum);
        return dropout.forward(normed);
    }
}
