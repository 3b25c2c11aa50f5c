
namespace Orchestrator.Shared.Text;

public sealed partial class BertTokenizer
{
    /// <summary>
    /// Loads from a folder (tokenizer.json if present, else vocab.txt; tokenizer_config.json when present),
    /// or from a tokenizer.json or vocab.txt file (a tokenizer_config.json beside it is read too).
    /// </summary>
    public static BertTokenizer Load(string path)
    {
        if (Directory.Exists(path))
        {
            var json = Path.Combine(path, "tokenizer.json");
            if (File.Exists(json)) return FromTokenizerJson(json);
            var vocab = Path.Combine(path, "vocab.txt");
            if (File.Exists(vocab)) return FromVocabFile(vocab);
            throw new FileNotFoundException($"{path}: neither tokenizer.json nor vocab.txt is in this folder", json);
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such tokenizer file or folder", path);
        return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? FromTokenizerJson(path) : FromVocabFile(path);
    }

    /// <summary>
    /// vocab.txt (one token a line, id = line number - 1) with the options of a tokenizer_config.json next to it
    /// when <paramref name="options"/> is null (BertTokenizer's defaults when there is none).
    /// </summary>
    public static BertTokenizer FromVocabFile(string vocabPath, BertTokenizerOptions? options = null)
    {
        if (options is null)
        {
            var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(vocabPath))!, "tokenizer_config.json");
            options = File.Exists(configPath) ? TokenizerConfigFile.Apply(configPath, new BertTokenizerOptions()) : new BertTokenizerOptions();
        }
        var vocabulary = WordPieceVocabulary.FromVocabFile(vocabPath, options.ContinuingSubwordPrefix);
        foreach (var (field, token) in new[] { ("unk_token", options.UnkToken), ("cls_token", options.ClsToken), ("sep_token", options.SepToken), ("pad_token", options.PadToken) })
        {
            if (!vocabulary.TryGetId(token, out _))
                throw new FormatException($"{vocabPath}: {field} '{token}' is missing from the vocabulary");
        }
        return new BertTokenizer(vocabulary, options, source: vocabPath);
    }

    /// <summary>A Hugging Face tokenizer.json with a WordPiece model (plus tokenizer_config.json beside it, if any).</summary>
    public static BertTokenizer FromTokenizerJson(string path)
    {
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "tokenizer_config.json");
        return TokenizerJsonFile.Read(path, File.Exists(configPath) ? configPath : null);
    }
}
