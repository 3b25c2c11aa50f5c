using Orchestrator.Torch;
using Orchestrator.Worker.Models.DistilBert;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models;

/// <summary>
/// transformers' _init_weights for BERT and DistilBERT: Linear and Embedding weights N(0, initializer_range),
/// biases and the embedding padding row zero, LayerNorm weight 1 and bias 0, DistilBERT's sinusoidal
/// position table rewritten. Draws from the default generator (seed it with torch.manual_seed).
/// </summary>
public static class WeightInit
{
    /// <summary>Initialises every parameter of <paramref name="root"/>, or only those named in <paramref name="only"/>.</summary>
    public static void Apply(Module root, ModelConfig config, IReadOnlySet<string>? only = null)
    {
        bool Selected(string name) => only is null || only.Contains(name);
        string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
        var std = config.InitializerRange;
        using var _ = torch.no_grad();
        foreach (var (prefix, module) in root.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    if (Selected(Join(prefix, "weight"))) linear.weight.normal_(0, std);
                    if (linear.bias is { } bias && Selected(Join(prefix, "bias"))) bias.zero_();
                    break;
                case Embedding embedding when Selected(Join(prefix, "weight")):
                    embedding.weight.normal_(0, std);
                    if (embedding.padding_idx is { } row)
                        using (var padRow = embedding.weight.select(0, row)) padRow.zero_();
                    break;
                case LayerNorm norm:
                    if (norm.weight is { } w && Selected(Join(prefix, "weight"))) w.fill_(1.0);
                    if (norm.bias is { } b && Selected(Join(prefix, "bias"))) b.zero_();
                    break;
            }
        }
        // named_modules visits DistilBertEmbeddings before its position_embeddings child: rewrite the table last.
        if (config.SinusoidalPosEmbds)
            foreach (var (prefix, module) in root.named_modules())
                if (module is DistilBertEmbeddings embeddings && Selected(Join(prefix, "position_embeddings.weight")))
                    DistilBertEmbeddings.WriteSinusoidal(embeddings.position_embeddings.weight);
    }
}
