using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.Bert;

/// <summary>BertForSequenceClassification: `bert` with pooler, dropout, `classifier` on the pooled output.</summary>
public sealed class BertForSequenceClassification : Module, ITaskModel
{
    public BertModel bert { get; }
    public Dropout dropout { get; }
    public Linear classifier { get; }

    public ModelConfig Config { get; }
    public ModelTask Task => ModelTask.SequenceClassification;
    public string Architecture => nameof(BertForSequenceClassification);
    public Module Module => this;

    public BertForSequenceClassification(ModelConfig config)
    {
        Config = config;
        bert = register_module("bert", new BertModel(config, add_pooling_layer: true));
        dropout = register_module("dropout", new Dropout(config.SequenceClassifierDropout));
        classifier = register_module("classifier", new Linear(config.HiddenSize, config.NumLabels));
    }

    public ModelOutput forward(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor? token_type_ids = null, torch.Tensor? labels = null)
    {
        var (sequence, pooled) = bert.forward(input_ids, attention_mask, token_type_ids);
        using (sequence)
        using (pooled)
        {
            using var dropped = dropout.forward(pooled!);
            var logits = classifier.forward(dropped);
            var loss = labels is null ? null : ClassificationLoss.Sequence(logits, labels, Config);
            return new ModelOutput(logits, loss);
        }
    }
}
