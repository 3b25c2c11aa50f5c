using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Worker.Models.T5;

/// <summary>
/// A Hugging Face <c>config.json</c> of <c>model_type: "t5"</c> under transformers' own field names (T5Config).
/// v1.0 checkpoints (t5-small/base) use <c>feed_forward_proj: "relu"</c> and tie <c>lm_head</c> to <c>shared</c>;
/// v1.1 and flan-t5 use <c>"gated-gelu"</c> (gelu_new) and an untied <c>lm_head</c>. Keys this class does not know
/// (task_specific_params, n_positions, ...) are kept and written back unchanged.
/// </summary>
public sealed class T5Config
{
    public const string ModelType = "t5";
    public const string Architecture = "T5ForConditionalGeneration";

    private JsonObject raw = new();

    public int VocabSize { get; init; } = 32128;
    public int DModel { get; init; } = 512;
    public int DKv { get; init; } = 64;
    public int DFf { get; init; } = 2048;
    public int NumLayers { get; init; } = 6;
    /// <summary>num_decoder_layers; null (absent) means num_layers, as in T5Config.</summary>
    public int? NumDecoderLayersField { get; init; }
    public int NumHeads { get; init; } = 8;
    public int RelativeAttentionNumBuckets { get; init; } = 32;
    public int RelativeAttentionMaxDistance { get; init; } = 128;
    public double DropoutRate { get; init; } = 0.1;
    public double LayerNormEpsilon { get; init; } = 1e-6;
    public double InitializerFactor { get; init; } = 1.0;
    /// <summary>"relu" (v1.0), "gated-gelu" (v1.1, flan), or "[gated-]activation" with an activation of <see cref="Activations"/>.</summary>
    public string FeedForwardProj { get; init; } = "relu";
    public bool TieWordEmbeddings { get; init; } = true;
    public int PadTokenId { get; init; }
    public int EosTokenId { get; init; } = 1;
    /// <summary>decoder_start_token_id; T5 starts decoding from the pad token.</summary>
    public int DecoderStartTokenId { get; init; }

    public int NumDecoderLayers => NumDecoderLayersField ?? NumLayers;
    public int InnerDim => NumHeads * DKv;

    /// <summary>True for "gated-..." feed-forward projections (wi_0, wi_1, wo instead of wi, wo).</summary>
    public bool IsGatedAct => FeedForwardProj.Split('-')[0] == "gated";

    /// <summary>The activation name in transformers' ACT2FN; "gated-gelu" means gelu_new for backwards compatibility, as in T5Config.</summary>
    public string DenseActFn => FeedForwardProj == "gated-gelu" ? "gelu_new" : FeedForwardProj.Split('-')[^1];

    /// <summary>The original T5 (v1.0) shape: ReLU feed-forward, lm_head tied to shared.</summary>
    public static T5Config V10(int vocabSize, int dModel, int dFf, int layers, int heads, double dropoutRate = 0.1) => new()
    {
        VocabSize = vocabSize, DModel = dModel, DFf = dFf, NumLayers = layers, NumHeads = heads, DKv = dModel / heads,
        FeedForwardProj = "relu", TieWordEmbeddings = true, DropoutRate = dropoutRate,
    };

    /// <summary>T5 v1.1 / flan-t5: gated-GELU feed-forward, untied lm_head.</summary>
    public static T5Config V11(int vocabSize, int dModel, int dFf, int layers, int heads, double dropoutRate = 0.1) => new()
    {
        VocabSize = vocabSize, DModel = dModel, DFf = dFf, NumLayers = layers, NumHeads = heads, DKv = dModel / heads,
        FeedForwardProj = "gated-gelu", TieWordEmbeddings = false, DropoutRate = dropoutRate,
    };

    /// <summary>Checks the values a model can be built from; <paramref name="path"/> names the source in errors.</summary>
    public void Validate(string path = ModelConfig.FileName)
    {
        ConfigJsonReader.Positive(path, "vocab_size", VocabSize);
        ConfigJsonReader.Positive(path, "d_model", DModel);
        ConfigJsonReader.Positive(path, "d_kv", DKv);
        ConfigJsonReader.Positive(path, "d_ff", DFf);
        ConfigJsonReader.Positive(path, "num_layers", NumLayers);
        ConfigJsonReader.Positive(path, "num_decoder_layers", NumDecoderLayers);
        ConfigJsonReader.Positive(path, "num_heads", NumHeads);
        ConfigJsonReader.Positive(path, "relative_attention_num_buckets", RelativeAttentionNumBuckets);
        ConfigJsonReader.Positive(path, "relative_attention_max_distance", RelativeAttentionMaxDistance);
        if (RelativeAttentionNumBuckets < 4)
            throw new ModelConfigException(path, "relative_attention_num_buckets", $"must be at least 4 (half exact, half logarithmic buckets per direction), got {RelativeAttentionNumBuckets}");
        var parts = FeedForwardProj.Split('-');
        if (parts.Length > 2 || (parts.Length == 2 && parts[0] != "gated") || !Activations.IsSupported(DenseActFn))
            throw new ModelConfigException(path, "feed_forward_proj",
                $"'{FeedForwardProj}' is not a valid activation: use 'relu', 'gated-gelu' or '[gated-]ACT' with ACT one of {string.Join(", ", Activations.Supported)}");
        if (DropoutRate is < 0 or > 1) throw new ModelConfigException(path, "dropout_rate", $"must be in [0, 1], got {DropoutRate}");
        if (LayerNormEpsilon <= 0) throw new ModelConfigException(path, "layer_norm_epsilon", $"must be positive, got {LayerNormEpsilon}");
        InVocabulary(path, "pad_token_id", PadTokenId);
        InVocabulary(path, "eos_token_id", EosTokenId);
        InVocabulary(path, "decoder_start_token_id", DecoderStartTokenId);
    }

    private void InVocabulary(string path, string field, int id)
    {
        if (id < 0 || id >= VocabSize) throw new ModelConfigException(path, field, $"{id} is outside the vocabulary (size {VocabSize})");
    }

    public static T5Config Load(string path)
    {
        var config = FromJson(ConfigJsonReader.ReadObject(path), path);
        config.Validate(path);
        return config;
    }

    public static T5Config FromJson(JsonObject obj, string path = ModelConfig.FileName)
    {
        var r = new ConfigJsonReader(obj, path);
        var modelType = r.String("model_type");
        if (modelType != ModelType)
            throw new ModelConfigException(path, "model_type", modelType is null ? "missing (expected t5)" : $"'{modelType}' is not a T5 model (expected t5)");
        // eos_token_id may be a list in newer configs; generation stops on the first, as T5 has one.
        var eos = obj["eos_token_id"] is JsonArray list
            ? (list.Count > 0 && list[0] is JsonValue first && first.TryGetValue<int>(out var id) ? id : throw new ModelConfigException(path, "eos_token_id", "must be an integer or a non-empty list of integers"))
            : r.Int("eos_token_id") ?? 1;
        var pad = r.Int("pad_token_id") ?? 0;
        return new T5Config
        {
            raw = (JsonObject)obj.DeepClone(),
            VocabSize = r.Int("vocab_size") ?? 32128,
            DModel = r.Int("d_model") ?? 512,
            DKv = r.Int("d_kv") ?? 64,
            DFf = r.Int("d_ff") ?? 2048,
            NumLayers = r.Int("num_layers") ?? 6,
            NumDecoderLayersField = r.Int("num_decoder_layers"),
            NumHeads = r.Int("num_heads") ?? 8,
            RelativeAttentionNumBuckets = r.Int("relative_attention_num_buckets") ?? 32,
            RelativeAttentionMaxDistance = r.Int("relative_attention_max_distance") ?? 128,
            DropoutRate = r.Double("dropout_rate") ?? 0.1,
            LayerNormEpsilon = r.Double("layer_norm_epsilon") ?? 1e-6,
            InitializerFactor = r.Double("initializer_factor") ?? 1.0,
            FeedForwardProj = r.String("feed_forward_proj") ?? "relu",
            TieWordEmbeddings = r.Bool("tie_word_embeddings") ?? true,
            PadTokenId = pad,
            EosTokenId = eos,
            DecoderStartTokenId = r.Int("decoder_start_token_id") ?? pad,
        };
    }

    /// <summary>The config.json object: known fields from this instance, unknown ones as read, keys sorted.</summary>
    public JsonObject ToJson()
    {
        var o = (JsonObject)raw.DeepClone();
        o["architectures"] = new JsonArray(Architecture);
        o["model_type"] = ModelType;
        o["vocab_size"] = VocabSize;
        o["d_model"] = DModel;
        o["d_kv"] = DKv;
        o["d_ff"] = DFf;
        o["num_layers"] = NumLayers;
        o["num_decoder_layers"] = NumDecoderLayers;
        o["num_heads"] = NumHeads;
        o["relative_attention_num_buckets"] = RelativeAttentionNumBuckets;
        o["relative_attention_max_distance"] = RelativeAttentionMaxDistance;
        o["dropout_rate"] = DropoutRate;
        o["layer_norm_epsilon"] = LayerNormEpsilon;
        o["initializer_factor"] = InitializerFactor;
        o["feed_forward_proj"] = FeedForwardProj;
        o["dense_act_fn"] = DenseActFn;
        o["is_gated_act"] = IsGatedAct;
        o["tie_word_embeddings"] = TieWordEmbeddings;
        o["pad_token_id"] = PadTokenId;
        o["eos_token_id"] = EosTokenId;
        o["decoder_start_token_id"] = DecoderStartTokenId;
        o["is_encoder_decoder"] = true;
        if (!o.ContainsKey("use_cache")) o["use_cache"] = true;
        o["torch_dtype"] = "float32";
        o["transformers_version"] = ModelConfig.TransformersVersion;
        return new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
    }

    /// <summary>
    /// generation_config.json as save_pretrained writes it for a T5 whose folder had none
    /// (GenerationConfig.from_model_config): the token ids generation starts, ends and pads with.
    /// </summary>
    public string GenerationConfigJson()
    {
        var o = new JsonObject
        {
            ["_from_model_config"] = true,
            ["decoder_start_token_id"] = DecoderStartTokenId,
            ["eos_token_id"] = EosTokenId,
            ["pad_token_id"] = PadTokenId,
            ["transformers_version"] = ModelConfig.TransformersVersion,
        };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public string ToJsonString() =>
        ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}
