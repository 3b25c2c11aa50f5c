using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Torch.Safetensors;

namespace Orchestrator.Worker.Models;

/// <summary>The tokenizer files save_pretrained writes next to a BERT model, copied or given transformers' defaults.</summary>
public static class TokenizerFiles
{
    public const string Vocab = "vocab.txt";
    public const string TokenizerConfig = "tokenizer_config.json";
    public const string SpecialTokensMap = "special_tokens_map.json";
    public const string TokenizerJson = "tokenizer.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Copies vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json from
    /// <paramref name="source"/> when present; writes BertTokenizer defaults for the two JSON files when absent
    /// (<paramref name="doLowerCase"/> decides do_lower_case then, true when null, as BertTokenizer).
    /// </summary>
    public static void Write(string? source, string destination, bool? doLowerCase = null)
    {
        var copied = new HashSet<string>();
        if (source is not null && Path.GetFullPath(source) != Path.GetFullPath(destination))
            foreach (var name in new[] { Vocab, TokenizerJson, TokenizerConfig, SpecialTokensMap })
            {
                var from = Path.Combine(source, name);
                if (!File.Exists(from)) continue;
                var bytes = File.ReadAllBytes(from);
                DurableFile.Write(Path.Combine(destination, name), s => s.Write(bytes));
                copied.Add(name);
            }
        if (!copied.Contains(TokenizerConfig) && !File.Exists(Path.Combine(destination, TokenizerConfig)))
            WriteJson(Path.Combine(destination, TokenizerConfig), DefaultTokenizerConfig(doLowerCase ?? true));
        if (!copied.Contains(SpecialTokensMap) && !File.Exists(Path.Combine(destination, SpecialTokensMap)))
            WriteJson(Path.Combine(destination, SpecialTokensMap), DefaultSpecialTokens());
    }

    public static JsonObject DefaultSpecialTokens() => new()
    {
        ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]", ["pad_token"] = "[PAD]", ["sep_token"] = "[SEP]", ["unk_token"] = "[UNK]",
    };

    public static JsonObject DefaultTokenizerConfig(bool doLowerCase) => new()
    {
        ["clean_up_tokenization_spaces"] = true,
        ["cls_token"] = "[CLS]",
        ["do_lower_case"] = doLowerCase,
        ["mask_token"] = "[MASK]",
        ["model_max_length"] = 512,
        ["pad_token"] = "[PAD]",
        ["sep_token"] = "[SEP]",
        ["strip_accents"] = null,
        ["tokenize_chinese_chars"] = true,
        ["tokenizer_class"] = "BertTokenizer",
        ["unk_token"] = "[UNK]",
    };

    private static void WriteJson(string path, JsonObject value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value.ToJsonString(Indented) + "\n");
        DurableFile.Write(path, s => s.Write(bytes));
    }
}
