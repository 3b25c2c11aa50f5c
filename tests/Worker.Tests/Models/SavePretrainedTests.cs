using System.Text.Json.Nodes;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Tests.Models;

public class SavePretrainedTests
{
    [Fact]
    public void TheFolderHasTransformersLayoutAndReloadsToTheSameWeights()
    {
        using var folder = new TempFolder();
        var tokenizer = folder.Sub("tokenizer");
        File.WriteAllText(Path.Combine(tokenizer, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nword\n");
        File.WriteAllText(Path.Combine(tokenizer, "tokenizer.json"), """{"version":"1.0"}""");
        var output = Path.Combine(folder.Path, "saved");
        using var model = PretrainedModels.CreateRandom(Tiny.Config("bert", labels: 3), ModelTask.SequenceClassification, seed: 3);

        PretrainedModels.Save(model, output, tokenizer, doLowerCase: false);

        Assert.Equal(["config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config.json")))!;
        Assert.Equal("BertForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal("bert", config["model_type"]!.GetValue<string>());
        Assert.Equal("TAG_2", config["id2label"]!["2"]!.GetValue<string>());
        Assert.False(JsonNode.Parse(File.ReadAllText(Path.Combine(output, "tokenizer_config.json")))!["do_lower_case"]!.GetValue<bool>());
        Assert.Equal("""{"version":"1.0"}""", File.ReadAllText(Path.Combine(output, "tokenizer.json")));

        using var file = SafetensorsFile.Open(Path.Combine(output, "model.safetensors"));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.All(file.Entries, e => Assert.Equal("F32", e.DType));
        Assert.Contains("bert.pooler.dense.weight", file.Names);
        Assert.DoesNotContain(file.Names, n => n.Contains("position_ids"));

        using var reloaded = PretrainedModels.Load(output, ModelTask.SequenceClassification);
        using var scope = torch.NewDisposeScope();
        var before = model.Module.state_dict();
        foreach (var (name, tensor) in reloaded.Module.state_dict())
            Assert.True(tensor.equal(before[name]), name);
        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void InitModelWritesALoadableSeededCheckpointAndRefusesBadInputs()
    {
        using var folder = new TempFolder();
        var vocab = folder.File("words.txt");
        File.WriteAllText(vocab, "[UNK]\n[PAD]\n[CLS]\n[SEP]\n[MASK]\nalpha\nbeta\n");
        RandomCheckpointRequest Request(string output, long seed) =>
            new("bert", "tiny", ModelTask.TokenClassification, ["O", "B-A", "I-A"], vocab, Lowercase: true, output, seed);

        using (var first = RandomCheckpoint.Create(Request(Path.Combine(folder.Path, "a"), 42)))
        using (var again = RandomCheckpoint.Create(Request(Path.Combine(folder.Path, "b"), 42)))
        using (var other = RandomCheckpoint.Create(Request(Path.Combine(folder.Path, "c"), 43)))
        {
            Assert.Equal(1, first.Config.PadTokenId);
            Assert.Equal(7, first.Config.VocabSize);
            Assert.Equal((2, 128, 2, 512), (first.Config.NumHiddenLayers, first.Config.HiddenSize, first.Config.NumAttentionHeads, first.Config.IntermediateSize));
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder.Path, "a", "model.safetensors")), File.ReadAllBytes(Path.Combine(folder.Path, "b", "model.safetensors")));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(folder.Path, "a", "model.safetensors")), File.ReadAllBytes(Path.Combine(folder.Path, "c", "model.safetensors")));
        Assert.Equal(File.ReadAllText(vocab), File.ReadAllText(Path.Combine(folder.Path, "a", "vocab.txt")));

        using (var loaded = PretrainedModels.Load(Path.Combine(folder.Path, "a"), ModelTask.TokenClassification))
        using (var scope = torch.NewDisposeScope())
        {
            Assert.Equal(["O", "B-A", "I-A"], loaded.Config.Labels);
            // transformers' init: padding row zero, LayerNorm weight one.
            Assert.Equal(0.0, loaded.Module.state_dict()["bert.embeddings.word_embeddings.weight"].select(0, 1).abs().sum().ToDouble());
            Assert.Equal(128.0, loaded.Module.state_dict()["bert.embeddings.LayerNorm.weight"].sum().ToDouble());
        }

        Assert.Throws<IOException>(() => RandomCheckpoint.Create(Request(Path.Combine(folder.Path, "a"), 1)));
        File.WriteAllText(vocab, "[UNK]\n[CLS]\n[SEP]\n");
        var error = Assert.Throws<InvalidDataException>(() => RandomCheckpoint.Create(Request(Path.Combine(folder.Path, "d"), 1)));
        Assert.Contains("[PAD]", error.Message);
        var labels = folder.File("labels.txt");
        File.WriteAllText(labels, "O\nB-X\n\nO\n");
        Assert.Contains("labels.txt:4", Assert.Throws<InvalidDataException>(() => RandomCheckpoint.ReadLabels(labels)).Message);
    }
}
