using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.Bert;

/// <summary>BertForTokenClassification: `bert` (no pooler), dropout, `classifier` per token.</summary>
public sealed class BertForTokenClassification : Module, ITaskModel
{
    public BertModel bert { get; }
    public Dropout dropout { get; }
    public Linear classifier { get; }

    public ModelConfig Config { get; }
    public ModelTask Task => ModelTask.TokenClassification;
    public string Architecture => nameof(BertForTokenClassification);
    public Module Module => this;

    public BertForTokenClassification(ModelConfig config)
    {
        Config = config;
        bert = register_module("bert", new BertModel(config, add_pooling_layer: false));
        dropout = register_module("dropout", new Dropout(config.TokenClassifierDropout));
        classifier = register_module("classifier", new Linear(config.HiddenSize, config.NumLabels));
    }

    public ModelOutput forward(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor? token_type_ids = null, torch.Tensor? labels = null)
    {
        var (sequence, _) = bert.forward(input_ids, attention_mask, token_type_ids);
        using (sequence)
        {
            using var dropped = dropout.forward(sequence);
            var logits = classifier.forward(dropped);
            var loss = labels is null ? null : ClassificationLoss.TokenCrossEntropy(logits, labels, Config.NumLabels);
            return new ModelOutput(logits, loss);
        }
    }
}
