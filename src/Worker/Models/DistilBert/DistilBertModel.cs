using Orchestrator.Torch;
using static Orchestrator.Torch.torch.nn;

namespace Orchestrator.Worker.Models.DistilBert;

/// <summary>DistilBertModel: embeddings and transformer; no token types, no pooler.</summary>
public sealed class DistilBertModel : Module
{
    public DistilBertEmbeddings embeddings { get; }
    public Transformer transformer { get; }

    public DistilBertModel(ModelConfig config)
    {
        embeddings = register_module("embeddings", new DistilBertEmbeddings(config));
        transformer = register_module("transformer", new Transformer(config));
    }

    /// <summary>The last hidden state [batch, seq, dim].</summary>
    public torch.Tensor forward(torch.Tensor input_ids, torch.Tensor attention_mask)
    {
        using var paddingMask = AttentionMasks.Padding(attention_mask);
        using var embedded = embeddings.forward(input_ids);
        return transformer.forward(embedded, paddingMask);
    }
}

/// <summary>DistilBertForTokenClassification: `distilbert`, dropout (config.dropout), `classifier`.</summary>
public sealed class DistilBertForTokenClassification : Module, ITaskModel
{
    public DistilBertModel distilbert { get; }
    public Dropout dropout { get; }
    public Linear classifier { get; }

    public ModelConfig Config { get; }
    public ModelTask Task => ModelTask.TokenClassification;
    public string Architecture => nameof(DistilBertForTokenClassification);
    public Module Module => this;

    public DistilBertForTokenClassification(ModelConfig config)
    {
        Config = config;
        distilbert = register_module("distilbert", new DistilBertModel(config));
        dropout = register_module("dropout", new Dropout(config.TokenClassifierDropout));
        classifier = register_module("classifier", new Linear(config.HiddenSize, config.NumLabels));
    }

    public ModelOutput forward(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor? token_type_ids = null, torch.Tensor? labels = null)
    {
        using var sequence = distilbert.forward(input_ids, attention_mask);
        using var dropped = dropout.forward(sequence);
        var logits = classifier.forward(dropped);
        var loss = labels is null ? null : ClassificationLoss.TokenCrossEntropy(logits, labels, Config.NumLabels);
        return new ModelOutput(logits, loss);
    }
}

/// <summary>DistilBertForSequenceClassification: first token, pre_classifier, ReLU, dropout (seq_classif_dropout), classifier.</summary>
public sealed class DistilBertForSequenceClassification : Module, ITaskModel
{
    public DistilBertModel distilbert { get; }
    public Linear pre_classifier { get; }
    public Linear classifier { get; }
    public Dropout dropout { get; }

    public ModelConfig Config { get; }
    public ModelTask Task => ModelTask.SequenceClassification;
    public string Architecture => nameof(DistilBertForSequenceClassification);
    public Module Module => this;

    public DistilBertForSequenceClassification(ModelConfig config)
    {
        Config = config;
        distilbert = register_module("distilbert", new DistilBertModel(config));
        pre_classifier = register_module("pre_classifier", new Linear(config.HiddenSize, config.HiddenSize));
        classifier = register_module("classifier", new Linear(config.HiddenSize, config.NumLabels));
        dropout = register_module("dropout", new Dropout(config.SequenceClassifierDropout));
    }

    public ModelOutput forward(torch.Tensor input_ids, torch.Tensor attention_mask, torch.Tensor? token_type_ids = null, torch.Tensor? labels = null)
    {
        using var sequence = distilbert.forward(input_ids, attention_mask);
        using var first = sequence.select(1, 0);
        using var projected = pre_classifier.forward(first);
        using var activated = projected.relu();
        using var dropped = dropout.forward(activated);
        var logits = classifier.forward(dropped);
        var loss = labels is null ? null : ClassificationLoss.Sequence(logits, labels, Config);
        return new ModelOutput(logits, loss);
    }
}
