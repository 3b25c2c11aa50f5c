namespace Orchestrator.Shared.Text;

/// <summary>
/// Options of Hugging Face's BertNormalizer (`tokenizer.json` normalizer, or `do_lower_case`,
/// `strip_accents` and `tokenize_chinese_chars` of `tokenizer_config.json`).
/// </summary>
/// <param name="StripAccents">null: strip accents exactly when lower-casing (BertTokenizer's default).</param>
public sealed record BertNormalizerOptions(
    bool CleanText = true,
    bool HandleChineseChars = true,
    bool? StripAccents = null,
    bool Lowercase = true)
{
    public bool ShouldStripAccents => StripAccents ?? Lowercase;
}
