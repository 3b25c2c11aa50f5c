using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Worker.Models;

/// <summary>
/// A Hugging Face <c>config.json</c> for BERT or DistilBERT, normalised to BERT's field names (DistilBERT's
/// dim, n_layers, n_heads, hidden_dim, activation, dropout and attention_dropout map onto them, as its
/// attribute_map does). Keys this class does not know are kept and written back unchanged.
/// </summary>
public sealed class ModelConfig
{
    public const string FileName = "config.json";
    public const string TransformersVersion = "4.46.0";

    private JsonObject raw = new();

    public string ModelType { get; init; } = "bert";
    public int VocabSize { get; init; } = 30522;
    public int HiddenSize { get; init; } = 768;
    public int NumHiddenLayers { get; init; } = 12;
    public int NumAttentionHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 3072;
    public string HiddenAct { get; init; } = "gelu";
    public int MaxPositionEmbeddings { get; init; } = 512;
    /// <summary>0 for DistilBERT, which has no token type embeddings.</summary>
    public int TypeVocabSize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12;
    public double HiddenDropoutProb { get; init; } = 0.1;
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    public double? ClassifierDropout { get; init; }
    public double InitializerRange { get; init; } = 0.02;
    public int PadTokenId { get; init; }
    public bool SinusoidalPosEmbds { get; init; }
    public double SeqClassifDropout { get; init; } = 0.2;
    public double QaDropout { get; init; } = 0.1;
    public string? ProblemType { get; init; }
    public IReadOnlyList<string>? Architectures { get; init; }

    /// <summary>id2label in id order; its count is num_labels.</summary>
    public IReadOnlyList<string> Labels { get; init; } = ["LABEL_0", "LABEL_1"];

    public int NumLabels => Labels.Count;
    public bool IsDistilBert => ModelType == "distilbert";
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Dropout before the token-classification head (BERT: classifier_dropout ?? hidden_dropout_prob; DistilBERT: dropout).</summary>
    public double TokenClassifierDropout => IsDistilBert ? HiddenDropoutProb : ClassifierDropout ?? HiddenDropoutProb;

    /// <summary>Dropout before the sequence-classification head (DistilBERT: seq_classif_dropout).</summary>
    public double SequenceClassifierDropout => IsDistilBert ? SeqClassifDropout : ClassifierDropout ?? HiddenDropoutProb;

    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["bert", "distilbert"];

    /// <summary>The same configuration with other labels (id2label, label2id, num_labels).</summary>
    public ModelConfig WithLabels(IReadOnlyList<string> labels) => Copy(labels: labels);

    public ModelConfig WithArchitecture(string architecture) => Copy(architectures: [architecture]);

    private ModelConfig Copy(IReadOnlyList<string>? labels = null, IReadOnlyList<string>? architectures = null) => new()
    {
        raw = (JsonObject)raw.DeepClone(),
        ModelType = ModelType, VocabSize = VocabSize, HiddenSize = HiddenSize, NumHiddenLayers = NumHiddenLayers,
        NumAttentionHeads = NumAttentionHeads, IntermediateSize = IntermediateSize, HiddenAct = HiddenAct,
        MaxPositionEmbeddings = MaxPositionEmbeddings, TypeVocabSize = TypeVocabSize, LayerNormEps = LayerNormEps,
        HiddenDropoutProb = HiddenDropoutProb, AttentionProbsDropoutProb = AttentionProbsDropoutProb,
        ClassifierDropout = ClassifierDropout, InitializerRange = InitializerRange, PadTokenId = PadTokenId,
        SinusoidalPosEmbds = SinusoidalPosEmbds, SeqClassifDropout = SeqClassifDropout, QaDropout = QaDropout,
        ProblemType = ProblemType, Architectures = architectures ?? Architectures, Labels = labels ?? Labels,
    };

    /// <summary>Checks the values a model can be built from; <paramref name="path"/> names the source in errors.</summary>
    public void Validate(string path = FileName)
    {
        if (!SupportedModelTypes.Contains(ModelType))
            throw new ModelConfigException(path, "model_type", $"unsupported model type '{ModelType}' (supported: {string.Join(", ", SupportedModelTypes)})");
        var act = IsDistilBert ? "activation" : "hidden_act";
        if (!Activations.IsSupported(HiddenAct))
            throw new ModelConfigException(path, act, $"unsupported activation '{HiddenAct}' (supported: {string.Join(", ", Activations.Supported)})");
        ConfigJsonReader.Positive(path, "vocab_size", VocabSize);
        ConfigJsonReader.Positive(path, IsDistilBert ? "dim" : "hidden_size", HiddenSize);
        ConfigJsonReader.Positive(path, IsDistilBert ? "n_layers" : "num_hidden_layers", NumHiddenLayers);
        ConfigJsonReader.Positive(path, IsDistilBert ? "n_heads" : "num_attention_heads", NumAttentionHeads);
        ConfigJsonReader.Positive(path, IsDistilBert ? "hidden_dim" : "intermediate_size", IntermediateSize);
        ConfigJsonReader.Positive(path, "max_position_embeddings", MaxPositionEmbeddings);
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ModelConfigException(path, IsDistilBert ? "n_heads" : "num_attention_heads",
                $"the hidden size ({HiddenSize}) is not a multiple of the number of attention heads ({NumAttentionHeads})");
        if (!IsDistilBert) ConfigJsonReader.Positive(path, "type_vocab_size", TypeVocabSize);
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            throw new ModelConfigException(path, "pad_token_id", $"{PadTokenId} is outside the vocabulary (size {VocabSize})");
        if (Labels.Count == 0) throw new ModelConfigException(path, "id2label", "there must be at least one label");
        if (Labels.Distinct().Count() != Labels.Count)
            throw new ModelConfigException(path, "id2label", $"duplicate label names: {string.Join(", ", Labels.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key))}");
        if (ProblemType is not (null or "single_label_classification" or "regression"))
            throw new ModelConfigException(path, "problem_type", $"'{ProblemType}' is not supported (supported: single_label_classification, regression)");
    }

    public static ModelConfig Load(string path)
    {
        var config = FromJson(ConfigJsonReader.ReadObject(path), path);
        config.Validate(path);
        return config;
    }

    public static ModelConfig FromJson(JsonObject obj, string path = FileName)
    {
        var r = new ConfigJsonReader(obj, path);
        var modelType = r.String("model_type") ?? throw new ModelConfigException(path, "model_type", "missing (expected one of: bert, distilbert)");
        var labels = ReadLabels(r, obj, path);
        var config = modelType == "distilbert"
            ? new ModelConfig
            {
                ModelType = modelType,
                VocabSize = r.Int("vocab_size") ?? 30522,
                HiddenSize = r.Int("dim") ?? r.Int("hidden_size") ?? 768,
                NumHiddenLayers = r.Int("n_layers") ?? r.Int("num_hidden_layers") ?? 6,
                NumAttentionHeads = r.Int("n_heads") ?? r.Int("num_attention_heads") ?? 12,
                IntermediateSize = r.Int("hidden_dim") ?? 3072,
                HiddenAct = r.String("activation") ?? "gelu",
                MaxPositionEmbeddings = r.Int("max_position_embeddings") ?? 512,
                TypeVocabSize = 0,
                LayerNormEps = 1e-12, // hard-coded in modeling_distilbert
                HiddenDropoutProb = r.Double("dropout") ?? 0.1,
                AttentionProbsDropoutProb = r.Double("attention_dropout") ?? 0.1,
                InitializerRange = r.Double("initializer_range") ?? 0.02,
                PadTokenId = r.Int("pad_token_id") ?? 0,
                SinusoidalPosEmbds = r.Bool("sinusoidal_pos_embds") ?? false,
                SeqClassifDropout = r.Double("seq_classif_dropout") ?? 0.2,
                QaDropout = r.Double("qa_dropout") ?? 0.1,
                ProblemType = r.String("problem_type"),
                Architectures = r.Strings("architectures"),
                Labels = labels,
            }
            : new ModelConfig
            {
                ModelType = modelType,
                VocabSize = r.Int("vocab_size") ?? 30522,
                HiddenSize = r.Int("hidden_size") ?? 768,
                NumHiddenLayers = r.Int("num_hidden_layers") ?? 12,
                NumAttentionHeads = r.Int("num_attention_heads") ?? 12,
                IntermediateSize = r.Int("intermediate_size") ?? 3072,
                HiddenAct = r.String("hidden_act") ?? "gelu",
                MaxPositionEmbeddings = r.Int("max_position_embeddings") ?? 512,
                TypeVocabSize = r.Int("type_vocab_size") ?? 2,
                LayerNormEps = r.Double("layer_norm_eps") ?? 1e-12,
                HiddenDropoutProb = r.Double("hidden_dropout_prob") ?? 0.1,
                AttentionProbsDropoutProb = r.Double("attention_probs_dropout_prob") ?? 0.1,
                ClassifierDropout = r.Double("classifier_dropout"),
                InitializerRange = r.Double("initializer_range") ?? 0.02,
                PadTokenId = r.Int("pad_token_id") ?? 0,
                ProblemType = r.String("problem_type"),
                Architectures = r.Strings("architectures"),
                Labels = labels,
            };
        if (modelType == "bert" && r.String("position_embedding_type") is { } pe && pe != "absolute")
            throw new ModelConfigException(path, "position_embedding_type", $"'{pe}' is not supported (only 'absolute')");
        config.raw = (JsonObject)obj.DeepClone();
        return config;
    }

    // id2label wins (its keys are ids as strings); else num_labels with transformers' LABEL_i names; else 2 labels.
    private static IReadOnlyList<string> ReadLabels(ConfigJsonReader r, JsonObject obj, string path)
    {
        if (obj["id2label"] is JsonObject id2label && id2label.Count > 0)
        {
            var byId = new SortedDictionary<int, string>();
            foreach (var (key, value) in id2label)
            {
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    throw new ModelConfigException(path, "id2label", $"key '{key}' is not a label id");
                if (value is not JsonValue v || !v.TryGetValue<string>(out var name))
                    throw new ModelConfigException(path, $"id2label.{key}", "must be a string");
                byId[id] = name;
            }
            if (byId.Keys.First() != 0 || byId.Keys.Last() != byId.Count - 1)
                throw new ModelConfigException(path, "id2label", $"ids must be 0..{byId.Count - 1} without gaps");
            if (r.Int("num_labels") is { } n && n != byId.Count)
                throw new ModelConfigException(path, "num_labels", $"{n} disagrees with id2label, which has {byId.Count} labels");
            return byId.Values.ToList();
        }
        var count = r.Int("num_labels") ?? 2;
        if (count <= 0) throw new ModelConfigException(path, "num_labels", $"must be positive, got {count}");
        return Enumerable.Range(0, count).Select(i => $"LABEL_{i}").ToList();
    }

    /// <summary>The config.json object: known fields from this instance, unknown ones as read.</summary>
    public JsonObject ToJson()
    {
        var o = (JsonObject)raw.DeepClone();
        void Set(string key, JsonNode? value) => o[key] = value;
        Set("model_type", ModelType);
        if (Architectures is { } archs) Set("architectures", new JsonArray(archs.Select(a => (JsonNode?)a).ToArray()));
        Set("vocab_size", VocabSize);
        Set("max_position_embeddings", MaxPositionEmbeddings);
        Set("initializer_range", InitializerRange);
        Set("pad_token_id", PadTokenId);
        if (IsDistilBert)
        {
            Set("dim", HiddenSize);
            Set("n_layers", NumHiddenLayers);
            Set("n_heads", NumAttentionHeads);
            Set("hidden_dim", IntermediateSize);
            Set("activation", HiddenAct);
            Set("dropout", HiddenDropoutProb);
            Set("attention_dropout", AttentionProbsDropoutProb);
            Set("sinusoidal_pos_embds", SinusoidalPosEmbds);
            Set("seq_classif_dropout", SeqClassifDropout);
            Set("qa_dropout", QaDropout);
        }
        else
        {
            Set("hidden_size", HiddenSize);
            Set("num_hidden_layers", NumHiddenLayers);
            Set("num_attention_heads", NumAttentionHeads);
            Set("intermediate_size", IntermediateSize);
            Set("hidden_act", HiddenAct);
            Set("type_vocab_size", TypeVocabSize);
            Set("layer_norm_eps", LayerNormEps);
            Set("hidden_dropout_prob", HiddenDropoutProb);
            Set("attention_probs_dropout_prob", AttentionProbsDropoutProb);
            Set("classifier_dropout", ClassifierDropout);
            if (!o.ContainsKey("position_embedding_type")) Set("position_embedding_type", "absolute");
        }
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (var i = 0; i < Labels.Count; i++)
        {
            id2label[i.ToString(CultureInfo.InvariantCulture)] = Labels[i];
            label2id[Labels[i]] = i;
        }
        Set("id2label", id2label);
        Set("label2id", label2id);
        o.Remove("num_labels"); // transformers derives it from id2label and does not write it
        if (ProblemType is not null) Set("problem_type", ProblemType);
        Set("torch_dtype", "float32");
        Set("transformers_version", TransformersVersion);
        return new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
    }

    public string ToJsonString() =>
        ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}
