using Orchestrator.Torch;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Tests.Models;

/// <summary>
/// Parity with tests/parity/bert_reference.py (plain PyTorch, same parameter names as transformers): a checkpoint we
/// save loads strictly there with identical tensors, and logits, loss and every gradient agree; a checkpoint it
/// writes loads here and gives its logits.
/// </summary>
public class PythonParityTests
{
    public static TheoryData<string, ModelTask> Cases => new()
    {
        { "bert", ModelTask.TokenClassification },
        { "bert", ModelTask.SequenceClassification },
        { "distilbert", ModelTask.TokenClassification },
        { "distilbert", ModelTask.SequenceClassification },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogitsLossAndGradientsEqualThePyTorchReferenceOnOurCheckpoint(string modelType, ModelTask task)
    {
        AssertParity(Tiny.Config(modelType, labels: 5, sinusoidal: modelType == "distilbert"), task, regression: false);
    }

    [Theory]
    [InlineData("bert")]
    [InlineData("distilbert")]
    public void RegressionWithOneLabelUsesMeanSquaredErrorLikeTheReference(string modelType)
    {
        AssertParity(Tiny.Config(modelType, labels: 1), ModelTask.SequenceClassification, regression: true);
    }

    [Fact]
    public void TheTanhGeluVariantsMatchTheReference()
    {
        AssertParity(Tiny.Config("bert", labels: 3, activation: "gelu_new"), ModelTask.TokenClassification, regression: false);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void InTrainingModeDropoutDrawsTheSameMasksFromTheSameSeed(string modelType, ModelTask task)
    {
        AssertParity(Tiny.Config(modelType, labels: 5), task, regression: false, trainSeed: 2024);
    }

    private static void AssertParity(ModelConfig config, ModelTask task, bool regression, long? trainSeed = null)
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        using var model = PretrainedModels.CreateRandom(config, task, seed: 1234);
        var checkpoint = folder.Sub("model");
        PretrainedModels.Save(model, checkpoint);
        var inputs = Tiny.Inputs(task, config.NumLabels, regression);
        var inputsPath = folder.File("inputs.safetensors");
        BertReference.WriteInputs(inputsPath, inputs);
        var outPath = folder.File("reference.safetensors");

        BertReference.Run(["check", checkpoint, inputsPath, outPath, .. trainSeed is { } s ? new[] { s.ToString() } : []]);
        var reference = BertReference.Read(outPath);

        if (trainSeed is { } seed)
        {
            model.Module.train();
            torch.manual_seed(seed);
        }
        else model.Module.eval();

        var output = Tiny.Run(model, inputs);
        output.Loss!.backward();

        Assertions.Close(reference["logits"], output.Logits, "logits", 1e-5);
        Assertions.Close(reference["loss"], output.Loss, "loss", 1e-6);
        if (trainSeed is not null)
            using (torch.no_grad())
            {
                model.Module.eval();
                Assert.False(Tiny.Run(model, inputs).Logits.allclose(output.Logits), "training mode should drop units");
            }
        var parameters = model.Module.named_parameters().ToList();
        foreach (var (name, parameter) in parameters)
        {
            if (!parameter.requires_grad) continue;
            Assert.True(reference.ContainsKey("grad/" + name), $"the reference has no gradient for {name}");
            Assertions.RelativeClose(reference["grad/" + name], parameter.grad!, "grad of " + name, 1e-4);
        }
        Assert.Equal(parameters.Count(p => p.parameter.requires_grad), reference.Keys.Count(k => k.StartsWith("grad/")));

        // Strict load on the Python side already proved the names; now the values and dtypes, byte for byte.
        var ours = model.Module.state_dict();
        Assert.Equal(ours.Keys.Order(), reference.Keys.Where(k => k.StartsWith("param/")).Select(k => k["param/".Length..]).Order());
        foreach (var (name, tensor) in ours)
        {
            var theirs = reference["param/" + name];
            Assert.Equal(ScalarType.Float32, theirs.dtype);
            Assert.True(tensor.bytes().AsSpan().SequenceEqual(theirs.bytes()), $"{name} differs after the round trip through Python");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ACheckpointWrittenByTheReferenceLoadsAndGivesItsLogits(string modelType, ModelTask task)
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var inputs = Tiny.Inputs(task, 4);
        var inputsPath = folder.File("inputs.safetensors");
        BertReference.WriteInputs(inputsPath, inputs);
        var checkpoint = folder.Sub("python");
        var outPath = folder.File("reference.safetensors");

        BertReference.Run("make", checkpoint, modelType, task == ModelTask.TokenClassification ? "token" : "sequence", "4", "99", inputsPath, outPath);
        var reference = BertReference.Read(outPath);

        var sink = new CapturingSink();
        using var model = PretrainedModels.Load(checkpoint, task, logger: sink.Logger());
        model.Module.eval();
        Assert.Equal(["TAG_0", "TAG_1", "TAG_2", "TAG_3"], model.Config.Labels);
        Assert.DoesNotContain(sink.Events, e => e.Level >= Serilog.Events.LogEventLevel.Warning);
        using (torch.no_grad())
        {
            var output = Tiny.Run(model, inputs);
            Assertions.Close(reference["logits"], output.Logits, "logits", 1e-5);
            Assertions.Close(reference["loss"], output.Loss!, "loss", 1e-6);
        }
    }
}

internal static class Assertions
{
    /// <summary>Equal shapes and |a - e| <= tolerance elementwise.</summary>
    public static void Close(torch.Tensor expected, torch.Tensor actual, string what, double tolerance)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
        var e = expected.to(ScalarType.Float64).data<double>();
        var a = actual.to(ScalarType.Float64).data<double>();
        for (var i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= tolerance, $"{what}[{i}]: {a[i]:R}, expected {e[i]:R}");
    }

    /// <summary>|a - e| <= tolerance * max(max|e|, 1e-6) elementwise (relative to the tensor's scale, so tiny entries do not dominate).</summary>
    public static void RelativeClose(torch.Tensor expected, torch.Tensor actual, string what, double tolerance)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
        var e = expected.to(ScalarType.Float64).data<double>();
        var a = actual.to(ScalarType.Float64).data<double>();
        // Floor: some gradients are exactly zero in exact arithmetic (the key bias: softmax ignores a per-query constant) and only rounding noise here.
        var scale = Math.Max(e.Length == 0 ? 0 : e.Max(Math.Abs), 1e-6);
        for (var i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= tolerance * scale, $"{what}[{i}]: {a[i]:R}, expected {e[i]:R} (scale {scale:R})");
    }
}
