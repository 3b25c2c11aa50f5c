using Orchestrator.Torch;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Tests.Models;

public class ModelForwardTests
{
    [Fact]
    public void MissingTokenTypeIdsMeanZerosAndPaddingDoesNotChangeRealTokens()
    {
        using var scope = torch.NewDisposeScope();
        using var model = PretrainedModels.CreateRandom(Tiny.Config("bert"), ModelTask.TokenClassification, 5);
        model.Module.eval();
        using var _ = torch.no_grad();
        var ids = torch.tensor(new long[] { 2, 7, 9, 3, 0, 0 }, [1, 6]);
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 0, 0 }, [1, 6]);
        var withNull = model.forward(ids, mask).Logits;
        var withZeros = model.forward(ids, mask, torch.zeros([1, 6], ScalarType.Int64)).Logits;
        Assert.True(withNull.equal(withZeros));

        // The same four tokens without padding: padded keys get zero attention weight.
        var unpadded = model.forward(ids.narrow(1, 0, 4), mask.narrow(1, 0, 4)).Logits;
        Assert.True(unpadded.allclose(withNull.narrow(1, 0, 4), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void DistilBertIgnoresTokenTypeIds()
    {
        using var scope = torch.NewDisposeScope();
        using var model = PretrainedModels.CreateRandom(Tiny.Config("distilbert", sinusoidal: true), ModelTask.SequenceClassification, 5);
        model.Module.eval();
        using var _ = torch.no_grad();
        var inputs = Tiny.Inputs(ModelTask.SequenceClassification, 5);
        var a = model.forward(inputs["input_ids"], inputs["attention_mask"], inputs["token_type_ids"]).Logits;
        var b = model.forward(inputs["input_ids"], inputs["attention_mask"]).Logits;
        Assert.True(a.equal(b));
        Assert.DoesNotContain(model.Module.named_parameters(), p => p.name.Contains("token_type"));
        Assert.False(model.Module.named_parameters().Single(p => p.name == "distilbert.embeddings.position_embeddings.weight").parameter.requires_grad);
    }

    [Fact]
    public void FloatLabelsWithSeveralClassesAreRefusedAsMultiLabel()
    {
        using var scope = torch.NewDisposeScope();
        using var model = PretrainedModels.CreateRandom(Tiny.Config("bert", labels: 3), ModelTask.SequenceClassification, 5);
        var inputs = Tiny.Inputs(ModelTask.SequenceClassification, 3);
        var error = Assert.Throws<NotSupportedException>(() =>
            model.forward(inputs["input_ids"], inputs["attention_mask"], null, torch.zeros([3, 3])));
        Assert.Contains("multi-label", error.Message);
    }
}
