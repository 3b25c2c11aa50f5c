using Orchestrator.Shared.Text.SentencePiece;

namespace Orchestrator.Shared.Text;

public sealed partial class T5Tokenizer
{
    /// <summary>
    /// Loads from a folder (spiece.model if present, else a tokenizer.json with a Unigram model; plus
    /// tokenizer_config.json and special_tokens_map.json when present), or from a spiece.model / tokenizer.json file.
    /// </summary>
    public static T5Tokenizer Load(string path)
    {
        if (Directory.Exists(path))
        {
            var spiece = Path.Combine(path, "spiece.model");
            if (File.Exists(spiece)) return FromSentencePieceModel(spiece);
            var json = Path.Combine(path, "tokenizer.json");
            if (File.Exists(json)) return FromTokenizerJson(json);
            throw new FileNotFoundException($"{path}: neither spiece.model nor tokenizer.json is in this folder", spiece);
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such tokenizer file or folder", path);
        return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? FromTokenizerJson(path) : FromSentencePieceModel(path);
    }

    /// <summary>True if <paramref name="path"/> is (or is a folder with) a SentencePiece Unigram tokenizer rather than a WordPiece one.</summary>
    public static bool IsT5Tokenizer(string path)
    {
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, "spiece.model"))) return true;
            var json = Path.Combine(path, "tokenizer.json");
            return File.Exists(json) && T5TokenizerJsonFile.IsUnigram(json);
        }
        if (Path.GetFileName(path).EndsWith(".model", StringComparison.OrdinalIgnoreCase)) return true;
        return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(path) && T5TokenizerJsonFile.IsUnigram(path);
    }

    /// <summary>
    /// A spiece.model with the options of tokenizer_config.json / special_tokens_map.json beside it when
    /// <paramref name="options"/> is null (T5Tokenizer's defaults when there are none).
    /// </summary>
    public static T5Tokenizer FromSentencePieceModel(string modelPath, T5TokenizerOptions? options = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var source = modelPath;
        if (options is null)
        {
            (options, var configs) = T5TokenizerConfigFile.Read(folder);
            if (configs.Count > 0) source = $"{modelPath} (+ {string.Join(", ", configs)})";
        }
        var processor = new SentencePieceProcessor(ModelProto.Read(modelPath), modelPath);
        return new T5Tokenizer(processor, options, source: source);
    }

    /// <summary>A Hugging Face tokenizer.json with a Unigram model (plus tokenizer_config.json beside it, if any).</summary>
    public static T5Tokenizer FromTokenizerJson(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var (options, configs) = T5TokenizerConfigFile.Read(folder);
        var (model, addedTokens, eosToken) = T5TokenizerJsonFile.Read(path);
        if (eosToken is not null) options = options with { EosToken = eosToken };
        var source = configs.Count > 0 ? $"{path} (+ {string.Join(", ", configs)})" : path;
        return new T5Tokenizer(new SentencePieceProcessor(model, path), options, addedTokens, source);
    }
}
