using System.Text.Json.Nodes;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Models.T5;

namespace Orchestrator.Worker.Tests.Models;

public class T5ConfigTests
{
    [Fact]
    public void AFlanStyleConfigReadsUnderTransformersNamesAndKeepsUnknownKeysOnSave()
    {
        var json = JsonNode.Parse("""
            {"model_type": "t5", "vocab_size": 32128, "d_model": 512, "d_kv": 64, "d_ff": 1024, "num_layers": 8,
             "num_decoder_layers": 8, "num_heads": 6, "feed_forward_proj": "gated-gelu", "tie_word_embeddings": false,
             "eos_token_id": [1], "pad_token_id": 0, "decoder_start_token_id": 0, "task_specific_params": {"summarization": {"prefix": "summarize: "}}}
            """)!.AsObject();
        var config = T5Config.FromJson(json);
        config.Validate();
        Assert.True(config.IsGatedAct);
        Assert.Equal("gelu_new", config.DenseActFn);
        Assert.False(config.TieWordEmbeddings);
        Assert.Equal((1, 0, 6, 384), (config.EosTokenId, config.DecoderStartTokenId, config.NumHeads, config.InnerDim));

        var saved = config.ToJson();
        Assert.Equal("summarize: ", saved["task_specific_params"]!["summarization"]!["prefix"]!.GetValue<string>());
        Assert.Equal("T5ForConditionalGeneration", saved["architectures"]![0]!.GetValue<string>());
        var again = T5Config.FromJson(saved);
        Assert.Equal((config.DFf, config.NumDecoderLayers, config.FeedForwardProj), (again.DFf, again.NumDecoderLayers, again.FeedForwardProj));
    }

    [Fact]
    public void DefaultsAreT5Small()
    {
        var config = T5Config.FromJson(JsonNode.Parse("""{"model_type": "t5"}""")!.AsObject());
        Assert.Equal((32128, 512, 2048, 6, 6, 8, 32, 128), (config.VocabSize, config.DModel, config.DFf, config.NumLayers, config.NumDecoderLayers,
            config.NumHeads, config.RelativeAttentionNumBuckets, config.RelativeAttentionMaxDistance));
        Assert.Equal(("relu", true, 1e-6), (config.DenseActFn, config.TieWordEmbeddings, config.LayerNormEpsilon));
    }

    [Theory]
    [InlineData("""{"model_type": "t5", "feed_forward_proj": "gated-swiglu"}""", "feed_forward_proj")]
    [InlineData("""{"model_type": "t5", "d_model": "big"}""", "d_model")]
    [InlineData("""{"model_type": "t5", "vocab_size": 10, "eos_token_id": 10}""", "eos_token_id")]
    [InlineData("""{"model_type": "bert"}""", "model_type")]
    public void BadValuesNameTheFileAndTheField(string text, string field)
    {
        var path = Path.Combine(Path.GetTempPath(), $"t5-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        try
        {
            var error = Assert.Throws<ModelConfigException>(() => T5Config.Load(path));
            Assert.Equal(field, error.Field);
            Assert.Equal(path, error.Path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
