using System.Text.Json;

namespace Orchestrator.Shared.Text.SentencePiece;

/// <summary>
/// Reads a Hugging Face tokenizer.json whose model is Unigram (what `T5TokenizerFast` saves) back into the
/// SentencePiece model it was converted from, so that it runs through the same normalizer and Viterbi as
/// spiece.model. Understood: model `Unigram` (`vocab` as [piece, score] pairs, `unk_id`, `byte_fallback`);
/// normalizer `Precompiled` (base64 `precompiled_charsmap`), alone or in a `Sequence` with the converter's
/// `Strip` (right) and `Replace` (" {2,}" -> "▁") whitespace clean-up; pre_tokenizer `Metaspace` ("▁",
/// `add_prefix_space` or `prepend_scheme` "always"), alone or after `WhitespaceSplit`; post_processor
/// `TemplateProcessing` `$A &lt;/s&gt;` / `$A &lt;/s&gt; $B &lt;/s&gt;`; decoder `Metaspace`; `added_tokens`.
/// Anything else is refused with the file and field named.
/// </summary>
internal static class T5TokenizerJsonFile
{
    public static bool IsUnigram(string path)
    {
        try
        {
            using var document = Json.Parse(path);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object &&
                   model.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Unigram";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static (ModelProto Model, List<(string Content, int Id, bool Special)> AddedTokens, string? EosToken) Read(string path)
    {
        using var document = Json.Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: the top level must be a JSON object");
        var model = Json.Required(root, "model", "model", path);
        var modelType = model.TryGetProperty("type", out var t) ? Json.String(t, "model.type", path) : "";
        if (modelType != "Unigram") throw new FormatException($"{path}: model.type is '{modelType}'; only Unigram is supported here");

        var vocab = Json.Required(model, "vocab", "model.vocab", path);
        if (vocab.ValueKind != JsonValueKind.Array) throw new FormatException($"{path}: model.vocab must be an array of [piece, score]");
        var entries = new List<(string Piece, float Score)>();
        int index = 0;
        foreach (var entry in vocab.EnumerateArray())
        {
            var field = $"model.vocab[{index++}]";
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2 || entry[1].ValueKind != JsonValueKind.Number)
                throw new FormatException($"{path}: {field} must be [piece, score]");
            entries.Add((Json.String(entry[0], field + "[0]", path), (float)entry[1].GetDouble()));
        }
        int unkId = model.TryGetProperty("unk_id", out var unk) && unk.ValueKind != JsonValueKind.Null ? Json.Int(unk, "model.unk_id", path)
            : throw new FormatException($"{path}: model.unk_id is missing; a Unigram model without an unknown piece is not supported");
        if (unkId < 0 || unkId >= entries.Count) throw new FormatException($"{path}: model.unk_id {unkId} is outside model.vocab ({entries.Count} pieces)");
        bool byteFallback = Json.OptionalBool(model, "byte_fallback", path, "model.byte_fallback") ?? false;

        var added = ReadAddedTokens(root, path, entries.Count);
        var specialIds = added.Where(a => a.Special).Select(a => a.Id).ToHashSet();
        var userIds = added.Where(a => !a.Special).Select(a => a.Id).ToHashSet();
        var pieces = new Piece[entries.Count];
        for (int id = 0; id < entries.Count; id++)
        {
            var (piece, score) = entries[id];
            var type = id == unkId ? PieceType.Unknown
                : specialIds.Contains(id) ? PieceType.Control
                : userIds.Contains(id) ? PieceType.UserDefined
                : byteFallback && IsBytePiece(piece) ? PieceType.Byte
                : PieceType.Normal;
            pieces[id] = new Piece(piece, score, type);
        }

        var (charsmap, collapsesSpaces) = ReadNormalizer(root, path);
        var (addPrefix, splitsOnWhitespace) = ReadPreTokenizer(root, path);
        ReadDecoder(root, path);
        var eos = ReadPostProcessor(root, path);
        var proto = new ModelProto
        {
            Pieces = pieces,
            UnkId = unkId,
            BosId = -1,
            EosId = eos is null ? -1 : entries.FindIndex(e => e.Piece == eos),
            ByteFallback = byteFallback,
            NormalizerName = charsmap.Length > 0 ? "precompiled" : "identity",
            PrecompiledCharsmap = charsmap,
            AddDummyPrefix = addPrefix,
            RemoveExtraWhitespaces = collapsesSpaces || splitsOnWhitespace,
            EscapeWhitespaces = true,
        };
        return (proto, added.Where(a => a.Special || a.Id >= entries.Count).ToList(), eos);
    }

    private static bool IsBytePiece(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>' && Uri.IsHexDigit(piece[3]) && Uri.IsHexDigit(piece[4]);

    private static List<(string Content, int Id, bool Special)> ReadAddedTokens(JsonElement root, string path, int vocabSize)
    {
        var added = new List<(string, int, bool)>();
        if (!root.TryGetProperty("added_tokens", out var element) || element.ValueKind != JsonValueKind.Array) return added;
        int index = 0;
        foreach (var token in element.EnumerateArray())
        {
            var field = $"added_tokens[{index++}]";
            var content = Json.String(Json.Required(token, "content", field + ".content", path), field + ".content", path);
            int id = Json.Int(Json.Required(token, "id", field + ".id", path), field + ".id", path);
            if (id < 0) throw new FormatException($"{path}: {field}.id must be >= 0, not {id}");
            added.Add((content, id, Json.OptionalBool(token, "special", path, field + ".special") ?? false));
        }
        return added;
    }

    /// <summary>The charsmap, and whether the normalizer collapses runs of spaces (the converter's Strip + Replace).</summary>
    private static (byte[] Charsmap, bool CollapsesSpaces) ReadNormalizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind == JsonValueKind.Null) return ([], false);
        var items = new List<(JsonElement Item, string Field)>();
        var type = Json.String(Json.Required(n, "type", "normalizer.type", path), "normalizer.type", path);
        if (type == "Sequence")
        {
            int i = 0;
            foreach (var item in Json.Required(n, "normalizers", "normalizer.normalizers", path).EnumerateArray())
                items.Add((item, $"normalizer.normalizers[{i++}]"));
        }
        else items.Add((n, "normalizer"));

        byte[] charsmap = [];
        bool collapses = false;
        foreach (var (item, field) in items)
        {
            var itemType = Json.String(Json.Required(item, "type", field + ".type", path), field + ".type", path);
            switch (itemType)
            {
                case "Precompiled":
                    var base64 = Json.String(Json.Required(item, "precompiled_charsmap", field + ".precompiled_charsmap", path), field + ".precompiled_charsmap", path);
                    try { charsmap = Convert.FromBase64String(base64); }
                    catch (FormatException) { throw new FormatException($"{path}: {field}.precompiled_charsmap is not valid base64"); }
                    break;
                case "Strip":
                    // The converter strips the right end only; SentencePiece's remove_extra_whitespaces does both ends.
                    break;
                case "Replace":
                    var pattern = Json.Required(item, "pattern", field + ".pattern", path);
                    var regex = pattern.TryGetProperty("Regex", out var r) ? r.GetString() : null;
                    if (regex != " {2,}")
                        throw new FormatException($"{path}: {field}: only the Replace of \" {{2,}}\" (the converter's space clean-up) is supported");
                    collapses = true;
                    break;
                default:
                    throw new FormatException($"{path}: {field}.type is '{itemType}'; only Precompiled, Strip and Replace are supported");
            }
        }
        return (charsmap, collapses);
    }

    /// <summary>Whether a "▁" is prepended (add_dummy_prefix) and whether text is split on whitespace first.</summary>
    private static (bool AddPrefix, bool SplitsOnWhitespace) ReadPreTokenizer(JsonElement root, string path)
    {
        var pre = Json.Required(root, "pre_tokenizer", "pre_tokenizer", path);
        var items = new List<(JsonElement Item, string Field)>();
        var type = Json.String(Json.Required(pre, "type", "pre_tokenizer.type", path), "pre_tokenizer.type", path);
        if (type == "Sequence")
        {
            int i = 0;
            foreach (var item in Json.Required(pre, "pretokenizers", "pre_tokenizer.pretokenizers", path).EnumerateArray())
                items.Add((item, $"pre_tokenizer.pretokenizers[{i++}]"));
        }
        else items.Add((pre, "pre_tokenizer"));

        bool? addPrefix = null;
        bool splits = false;
        foreach (var (item, field) in items)
        {
            var itemType = Json.String(Json.Required(item, "type", field + ".type", path), field + ".type", path);
            switch (itemType)
            {
                case "WhitespaceSplit":
                    splits = true;
                    break;
                case "Metaspace":
                    if (item.TryGetProperty("replacement", out var replacement) && replacement.GetString() != "\u2581")
                        throw new FormatException($"{path}: {field}.replacement must be \"\u2581\"");
                    addPrefix = Json.OptionalBool(item, "add_prefix_space", path, field + ".add_prefix_space");
                    if (item.TryGetProperty("prepend_scheme", out var scheme) && scheme.ValueKind == JsonValueKind.String)
                    {
                        addPrefix = scheme.GetString() switch
                        {
                            "always" => true,
                            "never" => false,
                            var other => throw new FormatException($"{path}: {field}.prepend_scheme is '{other}'; only \"always\" and \"never\" are supported (\"first\" is the non-legacy T5 tokenizer)"),
                        };
                    }
                    addPrefix ??= true;
                    break;
                default:
                    throw new FormatException($"{path}: {field}.type is '{itemType}'; only Metaspace and WhitespaceSplit are supported");
            }
        }
        if (addPrefix is null) throw new FormatException($"{path}: pre_tokenizer has no Metaspace; a SentencePiece tokenizer needs one");
        return (addPrefix.Value, splits);
    }

    private static void ReadDecoder(JsonElement root, string path)
    {
        if (!root.TryGetProperty("decoder", out var decoder) || decoder.ValueKind == JsonValueKind.Null) return;
        var type = Json.String(Json.Required(decoder, "type", "decoder.type", path), "decoder.type", path);
        if (type != "Metaspace") throw new FormatException($"{path}: decoder.type is '{type}'; only Metaspace is supported");
    }

    /// <summary>The end-of-sequence token of the template `$A &lt;/s&gt;` / `$A &lt;/s&gt; $B &lt;/s&gt;`, or null when there is none.</summary>
    private static string? ReadPostProcessor(JsonElement root, string path)
    {
        if (!root.TryGetProperty("post_processor", out var post) || post.ValueKind == JsonValueKind.Null) return null;
        var type = Json.String(Json.Required(post, "type", "post_processor.type", path), "post_processor.type", path);
        if (type != "TemplateProcessing") throw new FormatException($"{path}: post_processor.type is '{type}'; only TemplateProcessing is supported");
        string Describe(string name)
        {
            var parts = new List<string>();
            foreach (var item in Json.Required(post, name, $"post_processor.{name}", path).EnumerateArray())
            {
                if (item.TryGetProperty("Sequence", out var s)) parts.Add("$" + s.GetProperty("id").GetString());
                else if (item.TryGetProperty("SpecialToken", out var sp)) parts.Add(sp.GetProperty("id").GetString()!);
                else throw new FormatException($"{path}: post_processor.{name} items must be Sequence or SpecialToken");
            }
            return string.Join(" ", parts);
        }
        var single = Describe("single");
        var pair = Describe("pair");
        var parts = single.Split(' ');
        if (parts.Length != 2 || parts[0] != "$A" || pair != $"$A {parts[1]} $B {parts[1]}")
            throw new FormatException($"{path}: post_processor is '{single}' / '{pair}'; only T5's '$A </s>' / '$A </s> $B </s>' is supported");
        return parts[1];
    }
}
