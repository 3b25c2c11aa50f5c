using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.T5;

/// <summary>
/// T5PreTrainedModel._init_weights, visited in Module.apply's order (children before their parent), from the
/// default generator: layer norms initializer_factor; `shared` (and an untied `lm_head`) N(0, factor);
/// feed-forward `wi*` N(0, factor * d_model^-0.5) and `wo` N(0, factor * d_ff^-0.5); attention `q`
/// N(0, factor * (d_model * d_kv)^-0.5) (T5's missing 1/sqrt(d_kv) score scaling lives here), `k` and `v`
/// N(0, factor * d_model^-0.5), `o` N(0, factor * (heads * d_kv)^-0.5), relative bias N(0, factor * d_model^-0.5).
/// </summary>
public static class T5WeightInit
{
    public static void Apply(T5ForConditionalGeneration model)
    {
        using var noGrad = torch.no_grad();
        Visit(model, model.Config);
    }

    private static void Visit(Module module, T5Config c)
    {
        foreach (var (_, child) in module.named_children()) Visit(child, c);
        var factor = c.InitializerFactor;
        switch (module)
        {
            case T5LayerNorm norm:
                norm.weight.fill_(factor * 1.0);
                break;
            case T5ForConditionalGeneration model:
                model.shared.weight.normal_(0, factor * 1.0);
                if (model.lm_head is { } head) head.weight.normal_(0, factor * 1.0);
                break;
            case T5DenseActDense dense:
                dense.wi.weight.normal_(0, factor * Math.Pow(c.DModel, -0.5));
                dense.wo.weight.normal_(0, factor * Math.Pow(c.DFf, -0.5));
                break;
            case T5DenseGatedActDense gated:
                gated.wi_0.weight.normal_(0, factor * Math.Pow(c.DModel, -0.5));
                gated.wi_1.weight.normal_(0, factor * Math.Pow(c.DModel, -0.5));
                gated.wo.weight.normal_(0, factor * Math.Pow(c.DFf, -0.5));
                break;
            case T5Attention attention:
                attention.q.weight.normal_(0, factor * Math.Pow((double)c.DModel * c.DKv, -0.5));
                attention.k.weight.normal_(0, factor * Math.Pow(c.DModel, -0.5));
                attention.v.weight.normal_(0, factor * Math.Pow(c.DModel, -0.5));
                attention.o.weight.normal_(0, factor * Math.Pow((double)c.NumHeads * c.DKv, -0.5));
                attention.relative_attention_bias?.weight.normal_(0, factor * Math.Pow(c.DModel, -0.5));
                break;
        }
    }
}
