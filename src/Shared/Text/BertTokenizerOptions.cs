namespace Orchestrator.Shared.Text;

/// <summary>Everything that configures a <see cref="BertTokenizer"/> besides its vocabulary.</summary>
public sealed record BertTokenizerOptions
{
    public BertNormalizerOptions Normalizer { get; init; } = new();
    public string UnkToken { get; init; } = "[UNK]";
    public string SepToken { get; init; } = "[SEP]";
    public string PadToken { get; init; } = "[PAD]";
    public string ClsToken { get; init; } = "[CLS]";
    public string MaskToken { get; init; } = "[MASK]";
    public string ContinuingSubwordPrefix { get; init; } = "##";
    public int MaxInputCharsPerWord { get; init; } = 100;
    /// <summary>`model_max_length` from tokenizer_config.json (informational; truncation needs an explicit max length).</summary>
    public int? ModelMaxLength { get; init; }
    /// <summary>HF's clean_up_tokenization_spaces for <see cref="BertTokenizer.Decode"/>.</summary>
    public bool CleanUpTokenizationSpaces { get; init; } = true;
}
