using System.Text.Json.Nodes;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Models.Bert;

namespace Orchestrator.Worker.Tests.Models;

/// <summary>from_pretrained rules: prefixes, legacy names, fresh heads, unused weights, mismatched heads, missing or misshapen tensors.</summary>
public class CheckpointLoadingTests
{
    private static string SaveRandom(TempFolder folder, string name, ModelConfig config, ModelTask task, long seed = 7)
    {
        using var model = PretrainedModels.CreateRandom(config, task, seed);
        var path = folder.Sub(name);
        PretrainedModels.Save(model, path);
        return path;
    }

    /// <summary>Rewrites a checkpoint's tensors (names and values) through <paramref name="edit"/>.</summary>
    private static void EditWeights(string folder, Func<Dictionary<string, torch.Tensor>, Dictionary<string, torch.Tensor>> edit)
    {
        using var scope = torch.NewDisposeScope();
        Dictionary<string, torch.Tensor> tensors;
        using (var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors")))
            tensors = file.ReadAll().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), edit(tensors));
    }

    private static void AssertSameTensor(ITaskModel a, string nameA, ITaskModel b, string nameB)
    {
        using var scope = torch.NewDisposeScope();
        Assert.True(a.Module.state_dict()[nameA].equal(b.Module.state_dict()[nameB]), $"{nameA} != {nameB}");
    }

    [Fact]
    public void ABaseModelCheckpointLoadsIntoATaskModelWithAFreshHeadListedInOneLogLine()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "token", Tiny.Config("bert"), ModelTask.TokenClassification);
        // A bare BertModel checkpoint: no `bert.` prefix, no head, with the MLM head a pre-training checkpoint has.
        EditWeights(source, t =>
        {
            var result = t.Where(kv => kv.Key.StartsWith("bert.")).ToDictionary(kv => kv.Key["bert.".Length..], kv => kv.Value);
            result["cls.predictions.bias"] = torch.zeros([50]);
            return result;
        });
        var sink = new CapturingSink();
        using var model = PretrainedModels.Load(source, ModelTask.SequenceClassification, ["neg", "pos"], logger: sink.Logger());
        using var reference = PretrainedModels.Load(source, ModelTask.TokenClassification, Tiny.Config("bert").Labels, logger: null);

        AssertSameTensor(model, "bert.encoder.layer.1.output.dense.weight", reference, "bert.encoder.layer.1.output.dense.weight");
        Assert.Equal(
            ["bert.pooler.dense.bias", "bert.pooler.dense.weight", "classifier.bias", "classifier.weight"],
            sink.ListProperty("newly initialized", "NewlyInitialized"));
        Assert.Equal(["cls.predictions.bias"], sink.ListProperty("were not used", "UnusedWeights"));
        using var scope = torch.NewDisposeScope();
        var state = model.Module.state_dict();
        Assert.Equal(0.0, state["classifier.bias"].abs().sum().ToDouble());
        var std = Math.Sqrt(state["classifier.weight"].pow(2).mean().ToDouble());
        Assert.InRange(std, 0.01, 0.03); // N(0, initializer_range = 0.02)
    }

    [Fact]
    public void ATaskCheckpointLoadsIntoTheBareEncoderAndTheTokenModelReportsThePoolerUnused()
    {
        using var folder = new TempFolder();
        var config = Tiny.Config("bert", labels: 2);
        var source = SaveRandom(folder, "sequence", config, ModelTask.SequenceClassification);
        using var scope = torch.NewDisposeScope();
        var checkpoint = CheckpointTensors.Load(source);

        using var encoder = new BertModel(config, add_pooling_layer: true);
        var report = CheckpointLoader.Load(encoder, "bert", modelIsBase: true, config, checkpoint, source, false, null, "BertModel");
        Assert.Empty(report.NewlyInitialized);
        Assert.Equal(["classifier.bias", "classifier.weight"], report.Unused);
        Assert.True(encoder.state_dict()["pooler.dense.weight"].equal(checkpoint["bert.pooler.dense.weight"]));

        var sink = new CapturingSink();
        using var token = PretrainedModels.Load(source, ModelTask.TokenClassification, logger: sink.Logger());
        Assert.Equal(["bert.pooler.dense.bias", "bert.pooler.dense.weight"], sink.ListProperty("were not used", "UnusedWeights"));
        Assert.DoesNotContain(sink.Events, e => e.MessageTemplate.Text.Contains("newly initialized"));
    }

    [Fact]
    public void LegacyGammaBetaNamesAndPositionIdsBuffersLoad()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "legacy", Tiny.Config("bert"), ModelTask.TokenClassification);
        using var original = PretrainedModels.Load(source, ModelTask.TokenClassification);
        EditWeights(source, t =>
        {
            var result = t.ToDictionary(
                kv => kv.Key.EndsWith("LayerNorm.weight") ? kv.Key.Replace("LayerNorm.weight", "LayerNorm.gamma")
                    : kv.Key.EndsWith("LayerNorm.bias") ? kv.Key.Replace("LayerNorm.bias", "LayerNorm.beta") : kv.Key,
                kv => kv.Value);
            result["bert.embeddings.position_ids"] = torch.arange(40L).unsqueeze(0);
            return result;
        });
        var sink = new CapturingSink();
        using var model = PretrainedModels.Load(source, ModelTask.TokenClassification, logger: sink.Logger());
        AssertSameTensor(model, "bert.encoder.layer.0.attention.output.LayerNorm.weight", original, "bert.encoder.layer.0.attention.output.LayerNorm.weight");
        AssertSameTensor(model, "bert.embeddings.LayerNorm.bias", original, "bert.embeddings.LayerNorm.bias");
        Assert.DoesNotContain(sink.Events, e => e.Level >= Serilog.Events.LogEventLevel.Warning);
    }

    [Fact]
    public void AHeadWithAnotherLabelCountIsRefusedNamingBothCounts()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "nine", Tiny.Config("distilbert", labels: 9), ModelTask.TokenClassification);
        var error = Assert.Throws<LabelCountMismatchException>(() =>
            PretrainedModels.Load(source, ModelTask.TokenClassification, ["O", "B-X", "I-X"]));
        Assert.Equal(9, error.CheckpointLabels);
        Assert.Equal(3, error.RequestedLabels);
        Assert.Contains("9 labels", error.Message);
        Assert.Contains("3 labels", error.Message);
        Assert.Contains("--ignore-mismatched-sizes", error.Message);
        Assert.Contains(Path.Combine(source, "model.safetensors"), error.Message);
    }

    [Fact]
    public void IgnoreMismatchedSizesReinitialisesTheHeadAndLogsIt()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "nine", Tiny.Config("bert", labels: 9), ModelTask.TokenClassification);
        var sink = new CapturingSink();
        using var model = PretrainedModels.Load(source, ModelTask.TokenClassification, ["O", "B-X", "I-X"], ignoreMismatchedSizes: true, logger: sink.Logger());
        Assert.Equal(3, model.Config.NumLabels);
        var mismatched = sink.ListProperty("shapes did not match", "MismatchedWeights");
        Assert.Equal(2, mismatched.Count);
        Assert.Contains(mismatched, m => m.StartsWith("classifier.weight: shape [9, 32] in the checkpoint, [3, 32] in the model"));
        using var scope = torch.NewDisposeScope();
        Assert.Equal([3L, 32L], model.Module.state_dict()["classifier.weight"].shape);
        Assert.Equal(0.0, model.Module.state_dict()["classifier.bias"].abs().sum().ToDouble());
    }

    [Fact]
    public void AMissingEncoderTensorIsAnErrorWhileAMissingHeadIsFresh()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "broken", Tiny.Config("bert"), ModelTask.TokenClassification);
        EditWeights(source, t => t.Where(kv => kv.Key != "bert.encoder.layer.1.attention.self.value.weight" && !kv.Key.StartsWith("classifier.")).ToDictionary());
        var error = Assert.Throws<ModelCheckpointException>(() => PretrainedModels.Load(source, ModelTask.TokenClassification));
        Assert.Contains("bert.encoder.layer.1.attention.self.value.weight", error.Message);
        Assert.DoesNotContain("classifier", error.Message);
        Assert.Contains("model.safetensors", error.Message);
    }

    [Fact]
    public void AWronglyShapedEncoderTensorNamesTheTensorAndBothShapes()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "shape", Tiny.Config("bert"), ModelTask.TokenClassification);
        EditWeights(source, t =>
        {
            t["bert.embeddings.word_embeddings.weight"] = torch.zeros([51, 32]);
            return t;
        });
        var error = Assert.Throws<ModelCheckpointException>(() => PretrainedModels.Load(source, ModelTask.TokenClassification));
        Assert.Contains("bert.embeddings.word_embeddings.weight: shape [51, 32] in the checkpoint, [50, 32] in the model", error.Message);
    }

    [Fact]
    public void PickledWeightsAreRefusedWithTheConversionCommand()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "pickle", Tiny.Config("bert"), ModelTask.TokenClassification);
        File.Delete(Path.Combine(source, "model.safetensors"));
        File.WriteAllBytes(Path.Combine(source, "pytorch_model.bin"), [0x80, 0x02]);
        var error = Assert.Throws<NotSupportedException>(() => PretrainedModels.Load(source, ModelTask.TokenClassification));
        Assert.Contains("pytorch_model.bin", error.Message);
        Assert.Contains("safe_serialization=True", error.Message);
    }

    [Fact]
    public void AShardedCheckpointLoadsLikeASingleFile()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "single", Tiny.Config("distilbert"), ModelTask.SequenceClassification);
        using var single = PretrainedModels.Load(source, ModelTask.SequenceClassification);
        var sharded = folder.Sub("sharded");
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(sharded, "config.json"));
        using (var scope = torch.NewDisposeScope())
        {
            var all = CheckpointTensors.Load(source);
            var names = all.Keys.Order(StringComparer.Ordinal).ToList();
            var first = names.Take(names.Count / 2).ToDictionary(n => n, n => all[n]);
            var second = names.Skip(names.Count / 2).ToDictionary(n => n, n => all[n]);
            SafetensorsWriter.Write(Path.Combine(sharded, "model-00001-of-00002.safetensors"), first);
            SafetensorsWriter.Write(Path.Combine(sharded, "model-00002-of-00002.safetensors"), second);
            var weightMap = new JsonObject();
            foreach (var n in first.Keys) weightMap[n] = "model-00001-of-00002.safetensors";
            foreach (var n in second.Keys) weightMap[n] = "model-00002-of-00002.safetensors";
            File.WriteAllText(Path.Combine(sharded, "model.safetensors.index.json"),
                new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = 0 }, ["weight_map"] = weightMap }.ToJsonString());
        }
        using var loaded = PretrainedModels.Load(sharded, ModelTask.SequenceClassification);
        AssertSameTensor(loaded, "distilbert.transformer.layer.1.ffn.lin2.weight", single, "distilbert.transformer.layer.1.ffn.lin2.weight");
        AssertSameTensor(loaded, "pre_classifier.weight", single, "pre_classifier.weight");
    }

    [Fact]
    public void ModelsDisposeEveryTensorTheyOwn()
    {
        using var folder = new TempFolder();
        var source = SaveRandom(folder, "leak", Tiny.Config("bert"), ModelTask.TokenClassification);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = torch.LiveTensorCount;
        using (var model = PretrainedModels.Load(source, ModelTask.TokenClassification))
        using (var scope = torch.NewDisposeScope())
        {
            var inputs = Tiny.Inputs(ModelTask.TokenClassification, 5);
            var output = Tiny.Run(model, inputs);
            output.Loss!.backward();
        }
        Assert.Equal(before, torch.LiveTensorCount);
    }
}
