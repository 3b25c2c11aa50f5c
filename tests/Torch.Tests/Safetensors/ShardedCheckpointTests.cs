using System.Text.Json;
using Orchestrator.Torch.Safetensors;

namespace Orchestrator.Torch.Tests.Safetensors;

public class ShardedCheckpointTests
{
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";

    private static Dictionary<string, torch.Tensor> Weights() => new()
    {
        ["bert.embeddings.word_embeddings.weight"] = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]),
        ["bert.embeddings.position_ids"] = torch.tensor(new long[] { 0, 1, 2 }, [1, 3]),
        ["bert.encoder.layer.0.output.dense.bias"] = torch.tensor(new[] { (Half)0.25, (Half)(-1) }),
        ["classifier.weight"] = torch.tensor(new float[] { -1, 0.5f }, [1, 2]),
    };

    /// <summary>Writes the weights in two shards plus an index, as save_pretrained does for big models.</summary>
    private static void WriteSharded(string folder, Dictionary<string, torch.Tensor> weights, Action<Dictionary<string, string>>? editMap = null)
    {
        var names = weights.Keys.Order(StringComparer.Ordinal).ToList();
        var map = names.ToDictionary(n => n, n => n.StartsWith("bert.embeddings", StringComparison.Ordinal) ? Shard1 : Shard2);
        foreach (var shard in new[] { Shard1, Shard2 })
            SafetensorsWriter.Write(Path.Combine(folder, shard), weights.Where(p => map[p.Key] == shard).ToDictionary());
        editMap?.Invoke(map);
        var index = new { metadata = new { total_size = weights.Values.Sum(t => t.ByteCount) }, weight_map = map };
        File.WriteAllText(Path.Combine(folder, SafetensorsIndex.FileName), JsonSerializer.Serialize(index));
    }

    private static void AssertSameTensors(Dictionary<string, torch.Tensor> expected, Dictionary<string, torch.Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.Equal(tensor.dtype, actual[name].dtype);
            Assert.Equal(tensor.shape, actual[name].shape);
            Assert.Equal(tensor.bytes(), actual[name].bytes());
        }
    }

    [Fact]
    public void ShardedIndexReadsEveryTensorFromItsShard()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var weights = Weights();
        WriteSharded(folder.Path, weights);

        var index = SafetensorsIndex.Load(folder.File(SafetensorsIndex.FileName));
        Assert.Equal([Shard1, Shard2], index.Shards);
        Assert.Equal(weights.Values.Sum(t => t.ByteCount).ToString(), index.Metadata["total_size"]);
        AssertSameTensors(weights, index.ReadAll());
        AssertSameTensors(weights, CheckpointTensors.Load(folder.Path));
    }

    [Fact]
    public void AMissingShardIsNamedWithTheIndex()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        WriteSharded(folder.Path, Weights());
        File.Delete(folder.File(Shard2));

        var error = Assert.Throws<SafetensorsFormatException>(() => CheckpointTensors.Load(folder.Path));
        Assert.Equal(folder.File(SafetensorsIndex.FileName), error.Path);
        Assert.Equal("weight_map", error.Field);
        Assert.Contains($"shard \"{Shard2}\" does not exist", error.Message);
    }

    [Fact]
    public void ATensorTheIndexPlacesInAShardThatLacksItIsNamed()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        WriteSharded(folder.Path, Weights(), map => map["classifier.weight"] = Shard1);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsIndex.ReadAll(folder.File(SafetensorsIndex.FileName)));
        Assert.Equal("classifier.weight", error.TensorName);
        Assert.Contains($"the index places this tensor in \"{Shard1}\" but that shard does not hold it", error.Message);
    }

    [Theory]
    [InlineData("../outside.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/dir.safetensors")]
    [InlineData("..")]
    [InlineData("")]
    public void AShardOutsideTheIndexFolderIsRefused(string shard)
    {
        using var folder = new TempFolder();
        var path = folder.File(SafetensorsIndex.FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(new { weight_map = new Dictionary<string, string> { ["w"] = shard } }));

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsIndex.Load(path));
        Assert.Equal("w", error.TensorName);
        Assert.Contains("must be a plain file name in the index's folder", error.Message);
    }

    [Theory]
    [InlineData("{\"metadata\": {}}", "weight_map", "the field is missing")]
    [InlineData("{\"weight_map\": []}", "weight_map", "expected an object of tensor name to shard file, got Array")]
    [InlineData("{\"weight_map\": {\"w\": 3}}", "weight_map", "the shard must be a file name string, got Number")]
    [InlineData("{\"weight_map\": {\"w\": \"a\", \"w\": \"b\"}}", "weight_map", "the tensor name appears twice")]
    [InlineData("{\"metadata\": 1, \"weight_map\": {}}", "metadata", "expected an object, got Number")]
    [InlineData("{\"weight_map\": {", null, "the index is not valid JSON")]
    [InlineData("[]", null, "the index must be a JSON object, not Array")]
    public void AMalformedIndexIsRejected(string json, string? field, string fragment)
    {
        using var folder = new TempFolder();
        var path = folder.File(SafetensorsIndex.FileName);
        File.WriteAllText(path, json);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsIndex.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Equal(field, error.Field);
        Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void ASingleFileIsPreferredOverAnIndex()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        WriteSharded(folder.Path, Weights());
        var single = new Dictionary<string, torch.Tensor> { ["only"] = torch.tensor(new[] { 1, 2 }) };
        SafetensorsWriter.Write(folder.File(CheckpointTensors.SingleFile), single);

        Assert.Equal(folder.File(CheckpointTensors.SingleFile), CheckpointTensors.Locate(folder.Path));
        AssertSameTensors(single, CheckpointTensors.Load(folder.Path));
    }

    [Theory]
    [InlineData("pytorch_model.bin")]
    [InlineData("pytorch_model.bin.index.json")]
    public void PickledWeightsAreRefusedWithTheConversionCommand(string pickle)
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File(pickle), [0x80, 0x02]);

        var error = Assert.Throws<NotSupportedException>(() => CheckpointTensors.Load(folder.Path));
        Assert.Contains(folder.File(pickle), error.Message);
        Assert.Contains("is a pickle", error.Message);
        Assert.Contains($"AutoModel.from_pretrained('{folder.Path}')", error.Message);
        Assert.Contains($"save_pretrained('{folder.Path}', safe_serialization=True)", error.Message);
    }

    [Fact]
    public void AFolderWithoutWeightsOrThatDoesNotExistSaysSo()
    {
        using var folder = new TempFolder();
        var none = Assert.Throws<FileNotFoundException>(() => CheckpointTensors.Load(folder.Path));
        Assert.Contains($"no weights in {folder.Path}: expected model.safetensors or model.safetensors.index.json", none.Message);

        var missing = Path.Combine(folder.Path, "nope");
        var error = Assert.Throws<DirectoryNotFoundException>(() => CheckpointTensors.Load(missing));
        Assert.Contains(missing, error.Message);
    }
}
