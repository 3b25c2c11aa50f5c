namespace Orchestrator.Shared.Text;

/// <summary>T5Tokenizer's settings, under the names of Hugging Face's tokenizer_config.json.</summary>
public sealed record T5TokenizerOptions
{
    public string EosToken { get; init; } = "</s>";
    public string UnkToken { get; init; } = "<unk>";
    public string PadToken { get; init; } = "<pad>";
    /// <summary>Sentinels `&lt;extra_id_0&gt;` .. `&lt;extra_id_{n-1}&gt;` appended after the pieces, extra_id_0 last.</summary>
    public int ExtraIds { get; init; } = 100;
    /// <summary>Other special tokens that must already be in the vocabulary (the extra ids are added on their own).</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];
    public int? ModelMaxLength { get; init; }
    public bool CleanUpTokenizationSpaces { get; init; } = true;
}
