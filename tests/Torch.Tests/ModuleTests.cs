using Orchestrator.Torch;
using static Orchestrator.Torch.torch;

namespace Orchestrator.Torch.Tests;

public class ModuleTests
{
    private sealed class SelfAttention : nn.Module
    {
        public SelfAttention()
        {
            register_module("query", new nn.Linear(4, 4));
            register_module("key", new nn.Linear(4, 4, hasBias: false));
        }
    }

    private sealed class Attention : nn.Module
    {
        public Attention() => register_module("self", new SelfAttention());
    }

    private sealed class Layer : nn.Module
    {
        public Layer()
        {
            register_module("attention", new Attention());
            register_module("LayerNorm", new nn.LayerNorm(4));
        }
    }

    private sealed class Encoder : nn.Module
    {
        public Encoder(int layers)
        {
            register_module("layer", new nn.ModuleList<Layer>(Enumerable.Range(0, layers).Select(_ => new Layer())));
            using var positions = arange(6);
            register_buffer("position_ids", positions.view(1, 6));
        }
    }

    private sealed class Model : nn.Module<Tensor, Tensor>
    {
        public readonly nn.Embedding embeddings = new(10, 4, padding_idx: 0);
        public readonly nn.Dropout dropout = new(0.5);

        public Model(int layers = 2)
        {
            register_module("embeddings", embeddings);
            register_module("encoder", new Encoder(layers));
            register_module("dropout", dropout);
        }

        public override Tensor forward(Tensor ids) => dropout.call(embeddings.call(ids));
    }

    [Fact]
    public void NamesAreDottedAsInPyTorch()
    {
        using var model = new Model();
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(
        [
            "embeddings.weight",
            "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.query.bias",
            "encoder.layer.0.attention.self.key.weight",
            "encoder.layer.0.LayerNorm.weight", "encoder.layer.0.LayerNorm.bias",
            "encoder.layer.1.attention.self.query.weight", "encoder.layer.1.attention.self.query.bias",
            "encoder.layer.1.attention.self.key.weight",
            "encoder.layer.1.LayerNorm.weight", "encoder.layer.1.LayerNorm.bias",
        ], names);
        Assert.Equal(["encoder.position_ids"], model.named_buffers().Select(b => b.name));
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void LayersHavePyTorchShapesAndInitialisation()
    {
        using var scope = NewDisposeScope();
        using var linear = new nn.Linear(100, 7);
        Assert.Equal([7L, 100L], linear.weight.shape);
        Assert.Equal([7L], linear.bias!.shape);
        Assert.InRange(linear.weight.abs().max().item<float>(), 0.05f, 0.1f);
        Assert.Equal([3L, 7L], linear.call(ones([3, 100])).shape);
        using var embedding = new nn.Embedding(5, 3, padding_idx: 2);
        Assert.Equal(new float[3], embedding.weight.select(0, 2).data<float>());
        using var norm = new nn.LayerNorm(3, eps: 1e-12);
        Assert.Equal(new float[] { 1, 1, 1 }, norm.weight!.data<float>());
        Assert.Equal(new float[3], norm.bias!.data<float>());
    }

    [Fact]
    public void TrainAndEvalPropagateToChildren()
    {
        using var scope = NewDisposeScope();
        using var model = new Model();
        Assert.True(model.dropout.training);
        model.eval();
        Assert.All(model.named_modules(), m => Assert.False(m.module.training));
        var ids = tensor(new long[] { 1, 2, 3 });
        Assert.Equal(model.embeddings.call(ids).data<float>(), model.call(ids).data<float>());
        model.train();
        Assert.All(model.named_modules(), m => Assert.True(m.module.training));
    }

    [Fact]
    public void StateDictRoundTripsIntoAFreshModel()
    {
        using var scope = NewDisposeScope();
        using var source = new Model();
        using var target = new Model();
        var state = source.state_dict();
        Assert.Equal(12, state.Count);
        var result = target.load_state_dict(state);
        Assert.Empty(result.missing_keys);
        Assert.Empty(result.unexpected_keys);
        var targetState = target.state_dict();
        foreach (var (name, value) in state) Assert.True(value.equal(targetState[name]), name);
        // The state dict shares storage with the module, as in PyTorch.
        using (no_grad()) state["embeddings.weight"].fill_(3);
        Assert.Equal(3f, source.embeddings.weight.max().item<float>());
    }

    [Fact]
    public void LoadStateDictReportsMissingUnexpectedAndShapeMismatches()
    {
        using var scope = NewDisposeScope();
        using var small = new Model(layers: 1);
        using var big = new Model(layers: 2);
        var error = Assert.Throws<InvalidOperationException>(() => big.load_state_dict(small.state_dict()));
        Assert.Contains("missing keys: [encoder.layer.1.attention.self.query.weight", error.Message);
        var relaxed = small.load_state_dict(big.state_dict(), strict: false);
        Assert.Empty(relaxed.missing_keys);
        Assert.Equal(5, relaxed.unexpected_keys.Count);
        Assert.Contains("encoder.layer.1.LayerNorm.bias", relaxed.unexpected_keys);
        var state = small.state_dict();
        state["embeddings.weight"] = zeros([11, 4]);
        var mismatch = Assert.Throws<InvalidOperationException>(() => small.load_state_dict(state));
        Assert.Equal("size mismatch for embeddings.weight: copying a param with shape [11, 4] from checkpoint, the shape in current model is [10, 4]", mismatch.Message);
    }

    [Fact]
    public void DisposingAModuleFreesItsTensors()
    {
        var before = LiveTensors.Settled();
        var model = new Model();
        Assert.True(LiveTensorCount > before);
        model.Dispose();
        Assert.Equal(before, LiveTensorCount);
    }

    [Fact]
    public void FlatParametersMakeParametersAndGradientsViewsOfTwoBuffers()
    {
        using var scope = NewDisposeScope();
        using var model = new Model();
        var named = model.named_parameters().ToList();
        var before = named.Select(p => p.parameter.data<float>()).ToList();
        var groups = optim.WeightDecayGroups(named, 0.01);
        Assert.Equal(["encoder.layer.0.attention.self.query.bias", "encoder.layer.0.LayerNorm.weight", "encoder.layer.0.LayerNorm.bias"],
            groups[1].parameters.Take(3).Select(p => p.name));
        using var flat = new optim.FlatParameters(groups);
        Assert.Equal(named.Sum(p => p.parameter.numel()), flat.Count);
        for (var i = 0; i < named.Count; i++)
        {
            Assert.Equal(before[i], named[i].parameter.data<float>());
            Assert.True(named[i].parameter.SharesStorageWith(flat.Data));
            Assert.True(named[i].parameter.requires_grad);
        }
        var ids = tensor(new long[] { 1, 2, 3, 1 });
        model.eval();
        model.call(ids).pow(2).sum().backward();
        var embeddingGrad = model.embeddings.weight.grad!;
        Assert.True(embeddingGrad.SharesStorageWith(flat.Grad));
        var entry = flat.Entries.Single(e => e.name == "embeddings.weight");
        Assert.Equal(embeddingGrad.flatten().data<float>(), flat.Grad.narrow(0, entry.offset, entry.numel).data<float>());
        Assert.True(flat.Grad.abs().sum().item<float>() > 0);
        model.zero_grad();
        Assert.Equal(0f, flat.Grad.abs().sum().item<float>());
        Assert.True(model.embeddings.weight.grad!.SharesStorageWith(flat.Grad));
        model.embeddings.weight.grad = null;
        flat.zero_grad();
        Assert.True(model.embeddings.weight.grad!.SharesStorageWith(flat.Grad));
    }
}
