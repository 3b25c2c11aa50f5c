using System.Text.Json.Nodes;
using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Tests.Text;

/// <summary>
/// T5Tokenizer on small hand-written tokenizer.json files: the Unigram best path and unknown handling on a
/// vocabulary whose answer is known, and the errors that name the file and the field.
/// </summary>
public sealed class T5TokenizerLoadingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"t5-loading-{Guid.NewGuid():N}");

    public T5TokenizerLoadingTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A T5-shaped tokenizer.json without a charsmap (identity normalisation), pieces and scores as given.</summary>
    private static JsonObject TokenizerJson(params (string Piece, double Score)[] pieces)
    {
        var vocab = new JsonArray(new[] { ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0) }.Concat(pieces)
            .Select(p => (JsonNode)new JsonArray(p.Item1, p.Item2)).ToArray());
        JsonObject Special(string content, int id) => new() { ["id"] = id, ["content"] = content, ["special"] = true };
        return new JsonObject
        {
            ["added_tokens"] = new JsonArray(Special("<pad>", 0), Special("</s>", 1), Special("<unk>", 2)),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "Sequence", ["pretokenizers"] = new JsonArray(
                new JsonObject { ["type"] = "WhitespaceSplit" },
                new JsonObject { ["type"] = "Metaspace", ["replacement"] = "\u2581", ["add_prefix_space"] = true }) },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "</s>", ["type_id"] = 0 } }),
                ["pair"] = new JsonArray(new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "</s>", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "B", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "</s>", ["type_id"] = 0 } }),
            },
            ["decoder"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "\u2581", ["add_prefix_space"] = true },
            ["model"] = new JsonObject { ["type"] = "Unigram", ["unk_id"] = 2, ["vocab"] = vocab },
        };
    }

    private string Write(JsonObject json)
    {
        var path = Path.Combine(_folder, "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    [Fact]
    public void The_best_path_wins_and_unknown_runs_become_one_unk()
    {
        // "▁abc" can be ▁ab+c (-1-1 = -2), ▁a+bc (-1.5-1 = -2.5) or ▁+abc (-3-0.2); the best is ▁ab c.
        var tokenizer = T5Tokenizer.FromTokenizerJson(Write(TokenizerJson(
            ("\u2581", -3), ("\u2581a", -1.5), ("\u2581ab", -1), ("c", -1), ("bc", -1), ("abc", -0.2), ("a", -2), ("b", -2))));
        Assert.Equal(103 - 100 + 8, tokenizer.Processor.PieceCount);
        string[] Pieces(string text) => tokenizer.EncodeWithoutSpecialTokens(text).Select(id => tokenizer.IdToToken(id)!).ToArray();
        Assert.Equal(["\u2581ab", "c"], Pieces("abc"));
        Assert.Equal(["\u2581ab", "c", "\u2581a"], Pieces("  abc   a "));
        // x, y and z are not pieces: one <unk> for the run "xyz", then "a".
        Assert.Equal(["\u2581", "<unk>", "a"], Pieces("xyza"));
        Assert.Equal("ab", tokenizer.Decode(tokenizer.Encode("x ab").InputIds));
        // T5Tokenizer writes special tokens (<unk> too) as themselves when not skipping them.
        Assert.Equal("<unk> ab</s>", tokenizer.Decode(tokenizer.Encode("x ab").InputIds, skipSpecialTokens: false));
    }

    [Fact]
    public void Unsupported_or_broken_files_are_refused_with_the_file_and_field_named()
    {
        void Refused(JsonObject json, string expected)
        {
            var path = Write(json);
            var error = Assert.Throws<FormatException>(() => T5Tokenizer.FromTokenizerJson(path));
            Assert.Contains(path, error.Message);
            Assert.Contains(expected, error.Message);
        }
        var bpe = TokenizerJson();
        bpe["model"]!["type"] = "BPE";
        Refused(bpe, "model.type is 'BPE'");
        var nfkc = TokenizerJson();
        nfkc["normalizer"] = new JsonObject { ["type"] = "NFKC" };
        Refused(nfkc, "normalizer.type is 'NFKC'");
        var badPiece = TokenizerJson();
        badPiece["model"]!["vocab"]!.AsArray().Add(new JsonArray("x"));
        Refused(badPiece, "model.vocab[3] must be [piece, score]");
        var duplicate = TokenizerJson(("a", -1), ("a", -2));
        Refused(duplicate, "'a' is already defined");
        var template = TokenizerJson();
        template["post_processor"]!["single"]!.AsArray().RemoveAt(1);
        Refused(template, "only T5's '$A </s>' / '$A </s> $B </s>' is supported");
        var first = TokenizerJson();
        first["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "\u2581", ["prepend_scheme"] = "first" };
        Refused(first, "pre_tokenizer.prepend_scheme is 'first'");

        var model = Path.Combine(_folder, "spiece.model");
        File.WriteAllBytes(model, [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
        var protoError = Assert.Throws<FormatException>(() => T5Tokenizer.FromSentencePieceModel(model));
        Assert.Contains(model, protoError.Message);
    }
}
