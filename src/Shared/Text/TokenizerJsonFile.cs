using System.Text.Json;

namespace Orchestrator.Shared.Text;

/// <summary>
/// Reads a Hugging Face tokenizer.json whose model is WordPiece: BertNormalizer, BertPreTokenizer,
/// TemplateProcessing or BertProcessing, WordPiece decoder, added tokens. Anything else is refused with
/// the file and the field named, rather than silently tokenizing differently.
/// </summary>
internal static class TokenizerJsonFile
{
    public static BertTokenizer Read(string path, string? configPath)
    {
        using var document = Json.Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: the top level must be a JSON object");

        var model = Json.Required(root, "model", "model", path);
        var modelType = model.TryGetProperty("type", out var t) ? Json.String(t, "model.type", path) : "WordPiece";
        if (modelType != "WordPiece") throw new FormatException($"{path}: model.type is '{modelType}'; only WordPiece is supported");
        var prefix = model.TryGetProperty("continuing_subword_prefix", out var p) && p.ValueKind != JsonValueKind.Null
            ? Json.String(p, "model.continuing_subword_prefix", path) : "##";
        var options = new BertTokenizerOptions
        {
            ContinuingSubwordPrefix = prefix,
            UnkToken = model.TryGetProperty("unk_token", out var unk) ? Json.String(unk, "model.unk_token", path) : "[UNK]",
            MaxInputCharsPerWord = model.TryGetProperty("max_input_chars_per_word", out var maxChars)
                ? Json.Int(maxChars, "model.max_input_chars_per_word", path) : 100,
            Normalizer = ReadNormalizer(root, path),
        };
        ReadPreTokenizer(root, path);

        var vocabElement = Json.Required(model, "vocab", "model.vocab", path);
        if (vocabElement.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: model.vocab must be an object of token: id");
        var entries = new List<(string, int, string)>();
        foreach (var property in vocabElement.EnumerateObject())
        {
            var field = $"model.vocab[\"{property.Name}\"]";
            entries.Add((property.Name, Json.Int(property.Value, field, path), field));
        }
        var vocabulary = new WordPieceVocabulary(entries, prefix, path);

        var added = new List<(string, int, bool)>();
        if (root.TryGetProperty("added_tokens", out var addedElement) && addedElement.ValueKind == JsonValueKind.Array)
        {
            int index = 0;
            foreach (var token in addedElement.EnumerateArray())
            {
                var field = $"added_tokens[{index++}]";
                var content = Json.String(Json.Required(token, "content", field + ".content", path), field + ".content", path);
                int id = Json.Int(Json.Required(token, "id", field + ".id", path), field + ".id", path);
                if (vocabulary.IdToToken(id) is string existing && existing != content)
                    throw new FormatException($"{path}: {field}: id {id} is '{existing}' in model.vocab, not '{content}'");
                added.Add((content, id, Json.OptionalBool(token, "special", path, field + ".special") ?? false));
            }
        }
        if (root.TryGetProperty("decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
        {
            var decoderType = Json.String(Json.Required(decoder, "type", "decoder.type", path), "decoder.type", path);
            if (decoderType != "WordPiece") throw new FormatException($"{path}: decoder.type is '{decoderType}'; only WordPiece is supported");
        }
        bool decoderCleanup = decoder.ValueKind != JsonValueKind.Object || (Json.OptionalBool(decoder, "cleanup", path, "decoder.cleanup") ?? true);

        if (configPath is not null) options = ApplyConfig(configPath, options);
        var lookup = new Func<string, int?>(token => vocabulary.TryGetId(token, out int id) ? id : added.Where(a => a.Item1 == token).Select(a => (int?)a.Item2).FirstOrDefault());
        var template = ReadPostProcessor(root, path, lookup);
        return new BertTokenizer(vocabulary, options, added, template, configPath is null ? path : $"{path} (+ {configPath})", decoderCleanup);
    }

    /// <summary>
    /// tokenizer_config.json overrides the normalizer's lowercase / strip_accents / handle_chinese_chars when it
    /// sets do_lower_case / strip_accents / tokenize_chinese_chars, as BertTokenizerFast does on load.
    /// </summary>
    private static BertTokenizerOptions ApplyConfig(string configPath, BertTokenizerOptions options)
    {
        var fromConfig = TokenizerConfigFile.Apply(configPath, options);
        // The model's unk token stays authoritative for WordPiece; the config's names only matter for vocab.txt.
        return fromConfig with { UnkToken = options.UnkToken };
    }

    private static BertNormalizerOptions ReadNormalizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind == JsonValueKind.Null)
            return new BertNormalizerOptions(CleanText: false, HandleChineseChars: false, StripAccents: false, Lowercase: false);
        var type = Json.String(Json.Required(n, "type", "normalizer.type", path), "normalizer.type", path);
        if (type != "BertNormalizer") throw new FormatException($"{path}: normalizer.type is '{type}'; only BertNormalizer is supported");
        bool? strip = n.TryGetProperty("strip_accents", out var s) && s.ValueKind != JsonValueKind.Null ? Json.Bool(s, "normalizer.strip_accents", path) : null;
        return new BertNormalizerOptions(
            CleanText: Json.OptionalBool(n, "clean_text", path, "normalizer.clean_text") ?? true,
            HandleChineseChars: Json.OptionalBool(n, "handle_chinese_chars", path, "normalizer.handle_chinese_chars") ?? true,
            StripAccents: strip,
            Lowercase: Json.OptionalBool(n, "lowercase", path, "normalizer.lowercase") ?? true);
    }

    private static void ReadPreTokenizer(JsonElement root, string path)
    {
        var pre = Json.Required(root, "pre_tokenizer", "pre_tokenizer", path);
        var type = pre.ValueKind == JsonValueKind.Object && pre.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type != "BertPreTokenizer") throw new FormatException($"{path}: pre_tokenizer.type is '{type ?? "null"}'; only BertPreTokenizer is supported");
    }

    private static PostProcessorTemplate ReadPostProcessor(JsonElement root, string path, Func<string, int?> lookup)
    {
        if (!root.TryGetProperty("post_processor", out var post) || post.ValueKind == JsonValueKind.Null)
            return new PostProcessorTemplate([TemplatePiece.Of(0, 0)], [TemplatePiece.Of(0, 0), TemplatePiece.Of(1, 1)]);
        var type = Json.String(Json.Required(post, "type", "post_processor.type", path), "post_processor.type", path);
        switch (type)
        {
            case "BertProcessing":
            {
                var (sep, sepId) = TokenAndId(Json.Required(post, "sep", "post_processor.sep", path), "post_processor.sep", path);
                var (cls, clsId) = TokenAndId(Json.Required(post, "cls", "post_processor.cls", path), "post_processor.cls", path);
                return PostProcessorTemplate.Bert(cls, clsId, sep, sepId);
            }
            case "TemplateProcessing":
            {
                var specials = new Dictionary<string, (string Token, int Id)>();
                if (post.TryGetProperty("special_tokens", out var table) && table.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in table.EnumerateObject())
                    {
                        var field = $"post_processor.special_tokens[\"{entry.Name}\"]";
                        var ids = Json.Required(entry.Value, "ids", field + ".ids", path);
                        var tokens = Json.Required(entry.Value, "tokens", field + ".tokens", path);
                        if (ids.GetArrayLength() != 1 || tokens.GetArrayLength() != 1)
                            throw new FormatException($"{path}: {field}: only single-token specials are supported");
                        specials[entry.Name] = (Json.String(tokens[0], field + ".tokens[0]", path), Json.Int(ids[0], field + ".ids[0]", path));
                    }
                }
                return new PostProcessorTemplate(
                    ReadTemplate(Json.Required(post, "single", "post_processor.single", path), "post_processor.single", path, specials, lookup),
                    ReadTemplate(Json.Required(post, "pair", "post_processor.pair", path), "post_processor.pair", path, specials, lookup));
            }
            default:
                throw new FormatException($"{path}: post_processor.type is '{type}'; only TemplateProcessing and BertProcessing are supported");
        }
    }

    private static List<TemplatePiece> ReadTemplate(JsonElement items, string field, string path,
        Dictionary<string, (string Token, int Id)> specials, Func<string, int?> lookup)
    {
        var pieces = new List<TemplatePiece>();
        int index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var itemField = $"{field}[{index++}]";
            if (item.TryGetProperty("Sequence", out var sequence))
            {
                var id = Json.String(Json.Required(sequence, "id", itemField + ".Sequence.id", path), itemField + ".Sequence.id", path);
                int typeId = Json.Int(Json.Required(sequence, "type_id", itemField + ".Sequence.type_id", path), itemField + ".Sequence.type_id", path);
                pieces.Add(TemplatePiece.Of(id switch
                {
                    "A" => 0,
                    "B" => 1,
                    _ => throw new FormatException($"{path}: {itemField}.Sequence.id must be A or B, not '{id}'"),
                }, typeId));
            }
            else if (item.TryGetProperty("SpecialToken", out var special))
            {
                var name = Json.String(Json.Required(special, "id", itemField + ".SpecialToken.id", path), itemField + ".SpecialToken.id", path);
                int typeId = Json.Int(Json.Required(special, "type_id", itemField + ".SpecialToken.type_id", path), itemField + ".SpecialToken.type_id", path);
                var (token, tokenId) = specials.TryGetValue(name, out var known)
                    ? known
                    : (name, lookup(name) ?? throw new FormatException($"{path}: {itemField}: special token '{name}' is neither in special_tokens nor in the vocabulary"));
                pieces.Add(TemplatePiece.Special(token, tokenId, typeId));
            }
            else throw new FormatException($"{path}: {itemField} must be a Sequence or a SpecialToken");
        }
        return pieces;
    }

    private static (string Token, int Id) TokenAndId(JsonElement pair, string field, string path) =>
        pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
            ? (Json.String(pair[0], field + "[0]", path), Json.Int(pair[1], field + "[1]", path))
            : throw new FormatException($"{path}: {field} must be [token, id]");
}
