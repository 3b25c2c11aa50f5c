using System.Text.Json.Nodes;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Tests.Models;

public class ModelConfigTests
{
    private static ModelConfig Parse(string json, TempFolder folder)
    {
        var path = folder.File("config.json");
        File.WriteAllText(path, json);
        return ModelConfig.Load(path);
    }

    [Fact]
    public void BertConfigFieldsAreReadAndUnknownKeysSurviveARoundTrip()
    {
        using var folder = new TempFolder();
        var config = Parse("""
            {"model_type": "bert", "vocab_size": 28996, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
             "intermediate_size": 3072, "hidden_act": "gelu", "max_position_embeddings": 512, "type_vocab_size": 2,
             "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "classifier_dropout": 0.3,
             "initializer_range": 0.02, "pad_token_id": 0, "id2label": {"1": "B-PER", "0": "O"}, "label2id": {"O": 0, "B-PER": 1},
             "gradient_checkpointing": false, "custom": {"nested": [1, 2]}, "use_cache": true}
            """, folder);
        Assert.Equal(28996, config.VocabSize);
        Assert.Equal(["O", "B-PER"], config.Labels);
        Assert.Equal(0.3, config.TokenClassifierDropout);

        var json = config.WithArchitecture("BertForTokenClassification").ToJson();
        Assert.Equal("""{"nested":[1,2]}""", json["custom"]!.ToJsonString());
        Assert.False(json["gradient_checkpointing"]!.GetValue<bool>());
        Assert.Equal("BertForTokenClassification", json["architectures"]![0]!.GetValue<string>());
        Assert.Equal("float32", json["torch_dtype"]!.GetValue<string>());
        Assert.Equal(1, json["label2id"]!["B-PER"]!.GetValue<int>());
        Assert.Equal("O", json["id2label"]!["0"]!.GetValue<string>());
        Assert.NotNull(json["transformers_version"]);

        var again = Parse(config.ToJsonString(), folder);
        Assert.Equal(config.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void DistilBertNamesMapOntoBertFieldsAndAreWrittenBackUnderTheirOwnNames()
    {
        using var folder = new TempFolder();
        var config = Parse("""
            {"model_type": "distilbert", "vocab_size": 30522, "dim": 768, "n_layers": 6, "n_heads": 12, "hidden_dim": 3072,
             "activation": "gelu", "dropout": 0.1, "attention_dropout": 0.1, "sinusoidal_pos_embds": true,
             "seq_classif_dropout": 0.2, "qa_dropout": 0.1, "tie_weights_": true}
            """, folder);
        Assert.Equal((768, 6, 12, 3072), (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.IntermediateSize));
        Assert.True(config.SinusoidalPosEmbds);
        Assert.Equal(0.2, config.SequenceClassifierDropout);
        Assert.Equal(2, config.NumLabels);
        var json = config.ToJson();
        Assert.Equal(768, json["dim"]!.GetValue<int>());
        Assert.Null(json["hidden_size"]);
        Assert.True(json["tie_weights_"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{"model_type": "roberta"}""", "model_type", "roberta")]
    [InlineData("""{"hidden_size": 8}""", "model_type", "missing")]
    [InlineData("""{"model_type": "bert", "hidden_act": "mish"}""", "hidden_act", "mish")]
    [InlineData("""{"model_type": "distilbert", "activation": "tanh"}""", "activation", "tanh")]
    [InlineData("""{"model_type": "bert", "hidden_size": "big"}""", "hidden_size", "integer")]
    [InlineData("""{"model_type": "bert", "hidden_size": 100, "num_attention_heads": 12}""", "num_attention_heads", "multiple")]
    [InlineData("""{"model_type": "bert", "id2label": {"0": "O", "2": "B-X"}}""", "id2label", "without gaps")]
    [InlineData("""{"model_type": "bert", "problem_type": "multi_label_classification"}""", "problem_type", "not supported")]
    [InlineData("""{"model_type": "bert", "position_embedding_type": "relative_key"}""", "position_embedding_type", "relative_key")]
    [InlineData("""{"model_type": "bert",}  x""", "(file)", "JSON")]
    public void BadConfigsNameTheFileAndTheField(string json, string field, string detail)
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<ModelConfigException>(() => Parse(json, folder));
        Assert.Equal(field, error.Field);
        Assert.Contains(detail, error.Message);
        Assert.StartsWith(folder.File("config.json"), error.Message);
    }
}
