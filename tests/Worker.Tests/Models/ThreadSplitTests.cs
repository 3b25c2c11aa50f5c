using Orchestrator.Torch;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Tests.Models;

/// <summary>
/// A model large enough that its matrix products are split across the intra-op threads gives, with two threads, the
/// logits, loss and gradients it gives with one (where libtorch's own ops run, the ones the Python parity tests cover),
/// and the same bits on every repeat, which exact resume relies on.
/// </summary>
public class ThreadSplitTests
{
    private sealed record Outcome(float[] Logits, float[] Loss, Dictionary<string, float[]> Grads);

    [Theory]
    [InlineData("bert")]
    [InlineData("distilbert")]
    public void TwoThreadsGiveWhatOneThreadGivesAndRepeatExactly(string modelType)
    {
        var config = new ModelConfig
        {
            ModelType = modelType, VocabSize = 50, HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 256,
            MaxPositionEmbeddings = 64, TypeVocabSize = modelType == "distilbert" ? 0 : 2,
            Labels = Enumerable.Range(0, 5).Select(i => $"TAG_{i}").ToList(),
        };
        using var model = PretrainedModels.CreateRandom(config, ModelTask.TokenClassification, seed: 99);
        model.Module.eval();
        using var generator = new torch.Generator(3);
        using var ids = torch.randint(1, config.VocabSize, [4, 64], generator);
        using var mask = torch.ones([4, 64], ScalarType.Int64);
        using var labels = torch.randint(0, 5, [4, 64], generator);
        mask.narrow(1, 40, 24).narrow(0, 1, 3).fill_(0);   // rows 1-3 padded after 40 tokens
        labels.narrow(1, 40, 24).narrow(0, 1, 3).fill_(-100);

        Outcome Run()
        {
            using var scope = torch.NewDisposeScope();
            model.Module.zero_grad();
            var output = model.forward(ids, mask, null, labels);
            output.Loss!.backward();
            return new Outcome(output.Logits.data<float>(), output.Loss.data<float>(),
                model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.data<float>()));
        }

        var one = ComputeThreads.RunOnOwnThread(1, Run);
        var two = ComputeThreads.RunOnOwnThread(2, Run);
        var again = ComputeThreads.RunOnOwnThread(2, Run);

        Close(one.Logits, two.Logits, "logits", 1e-5);
        Close(one.Loss, two.Loss, "loss", 1e-6);
        foreach (var (name, grad) in one.Grads) Close(grad, two.Grads[name], "grad of " + name, 1e-4);
        Assert.Equal(two.Logits, again.Logits);
        foreach (var (name, grad) in two.Grads) Assert.True(grad.SequenceEqual(again.Grads[name]), $"grad of {name} changed on a repeat");
    }

    private static void Close(float[] expected, float[] actual, string what, double relative)
    {
        // The same floor as the Python parity tests: the key bias's gradient is zero in exact arithmetic, rounding noise here.
        var scale = Math.Max(expected.Max(Math.Abs), 1e-6);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * scale, $"{what}[{i}]: {expected[i]:R} vs {actual[i]:R}");
    }
}
