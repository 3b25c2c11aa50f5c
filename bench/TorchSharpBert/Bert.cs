using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharpBert;

/// <summary>BERT's sizes (hidden, layers, heads, intermediate), as tests/parity/bert_reference.py SIZES.</summary>
public sealed record BertConfig(int Vocab, int Hidden, int Layers, int Heads, int Intermediate, int Labels, int MaxPositions = 512, int TypeVocab = 2,
    double Dropout = 0.1, double Eps = 1e-12)
{
    public static BertConfig Size(string size, int labels = 9) => size switch
    {
        "tiny" => new(30522, 128, 2, 2, 512, labels),
        "mini" => new(30522, 256, 4, 4, 1024, labels),
        "small" => new(30522, 512, 4, 8, 2048, labels),
        "base" => new(30522, 768, 12, 12, 3072, labels),
        _ => throw new ArgumentException($"unknown size '{size}'"),
    };
}

// The modules of Hugging Face's modeling_bert.py (eager attention), with the same module and parameter names,
// written on TorchSharp the way its users write models: Module<...> subclasses and RegisterComponents.

public sealed class BertEmbeddings : Module<Tensor, Tensor>
{
    private readonly Embedding word_embeddings, position_embeddings, token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertEmbeddings(BertConfig c) : base(nameof(BertEmbeddings))
    {
        word_embeddings = Embedding(c.Vocab, c.Hidden, padding_idx: 0);
        position_embeddings = Embedding(c.MaxPositions, c.Hidden);
        token_type_embeddings = Embedding(c.TypeVocab, c.Hidden);
        LayerNorm = nn.LayerNorm(c.Hidden, eps: c.Eps);
        dropout = Dropout(c.Dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var positions = arange(inputIds.shape[1], dtype: ScalarType.Int64).unsqueeze(0);
        var types = zeros_like(inputIds);
        var embeddings = word_embeddings.forward(inputIds) + token_type_embeddings.forward(types) + position_embeddings.forward(positions);
        return dropout.forward(LayerNorm.forward(embeddings)).MoveToOuterDisposeScope();
    }
}

public sealed class BertSelfAttention : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query, key, value;
    private readonly Dropout dropout;
    private readonly int heads, headDim;

    public BertSelfAttention(BertConfig c) : base(nameof(BertSelfAttention))
    {
        heads = c.Heads;
        headDim = c.Hidden / c.Heads;
        query = Linear(c.Hidden, c.Hidden);
        key = Linear(c.Hidden, c.Hidden);
        value = Linear(c.Hidden, c.Hidden);
        dropout = Dropout(c.Dropout);
        RegisterComponents();
    }

    private Tensor Split(Tensor x) => x.view(x.shape[0], x.shape[1], heads, headDim).permute(0, 2, 1, 3);

    public override Tensor forward(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var q = Split(query.forward(hidden));
        var k = Split(key.forward(hidden));
        var v = Split(value.forward(hidden));
        var scores = matmul(q, k.transpose(-1, -2)) / Math.Sqrt(headDim) + mask;
        var probs = dropout.forward(F.softmax(scores, -1));
        var context = matmul(probs, v).permute(0, 2, 1, 3).contiguous();
        return context.view(context.shape[0], context.shape[1], heads * headDim).MoveToOuterDisposeScope();
    }
}

/// <summary>BertSelfOutput and BertOutput: dense, dropout, residual, LayerNorm.</summary>
public sealed class BertResidualOutput : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertResidualOutput(int inputSize, BertConfig c) : base("BertOutput")
    {
        dense = Linear(inputSize, c.Hidden);
        LayerNorm = nn.LayerNorm(c.Hidden, eps: c.Eps);
        dropout = Dropout(c.Dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor input)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(dense.forward(hidden)) + input).MoveToOuterDisposeScope();
    }
}

public sealed class BertAttention : Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig c) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(c);
        output = new BertResidualOutput(c.Hidden, c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor mask)
    {
        using var attended = self.forward(hidden, mask);
        return output.forward(attended, hidden);
    }
}

public sealed class BertIntermediate : Module<Tensor, Tensor>
{
    private readonly Linear dense;

    public BertIntermediate(BertConfig c) : base(nameof(BertIntermediate))
    {
        dense = Linear(c.Hidden, c.Intermediate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var projected = dense.forward(hidden);
        return F.gelu(projected);
    }
}

public sealed class BertLayer : Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig c) : base(nameof(BertLayer))
    {
        attention = new BertAttention(c);
        intermediate = new BertIntermediate(c);
        output = new BertResidualOutput(c.Intermediate, c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, mask);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}

public sealed class BertEncoder : Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig c) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, c.Layers).Select(_ => new BertLayer(c)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor mask)
    {
        using var scope = NewDisposeScope();
        foreach (var l in layer) hidden = l.forward(hidden, mask);
        return hidden.MoveToOuterDisposeScope();
    }
}

public sealed class BertModel : Module<Tensor, Tensor, Tensor>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;

    public BertModel(BertConfig c) : base(nameof(BertModel))
    {
        embeddings = new BertEmbeddings(c);
        encoder = new BertEncoder(c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        // (1 - mask) * finfo(float32).min, broadcast over heads and query positions, as transformers does.
        var extended = (1.0f - attentionMask.unsqueeze(1).unsqueeze(2).to(ScalarType.Float32)) * float.MinValue;
        return encoder.forward(embeddings.forward(inputIds), extended).MoveToOuterDisposeScope();
    }
}

/// <summary>BertForTokenClassification (no pooler): logits, and the cross-entropy loss when labels are given.</summary>
public sealed class BertForTokenClassification : Module<Tensor, Tensor, Tensor>
{
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;
    private readonly int labels;

    public BertForTokenClassification(BertConfig c) : base(nameof(BertForTokenClassification))
    {
        labels = c.Labels;
        bert = new BertModel(c);
        dropout = Dropout(c.Dropout);
        classifier = Linear(c.Hidden, c.Labels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return classifier.forward(dropout.forward(bert.forward(inputIds, attentionMask))).MoveToOuterDisposeScope();
    }

    public Tensor Loss(Tensor logits, Tensor labelIds) => F.cross_entropy(logits.view(-1, labels), labelIds.view(-1));

    /// <summary>transformers' _init_weights: normal(0, 0.02) for linear and embedding weights, zero biases and padding row.</summary>
    public void InitWeights(double std = 0.02)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("LayerNorm.weight")) p.fill_(1.0f);
            else if (name.EndsWith(".bias")) p.zero_();
            else p.normal_(0, std);
        }
        foreach (var (name, p) in named_parameters())
            if (name == "bert.embeddings.word_embeddings.weight") p[0].zero_();
    }
}
