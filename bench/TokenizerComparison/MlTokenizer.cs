using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace TokenizerComparison;

/// <summary>Microsoft.ML.Tokenizers' BertTokenizer set up as the Hugging Face tokenizer it stands in for.</summary>
public static class MlTokenizer
{
    /// <summary>From a tokenizer folder: vocab.txt, or the WordPiece vocabulary of tokenizer.json written out as one.</summary>
    public static BertTokenizer Load(string dir, bool lowercase)
    {
        var vocab = Path.Combine(dir, "vocab.txt");
        if (!File.Exists(vocab))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "tokenizer.json")));
            var tokens = json.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject()
                .OrderBy(t => t.Value.GetInt32()).Select(t => t.Name).ToArray();
            vocab = Path.Combine(Directory.CreateTempSubdirectory("ml-vocab-").FullName, "vocab.txt");
            File.WriteAllLines(vocab, tokens);
        }
        // Hugging Face's BertTokenizer: lower-casing also strips accents (strip_accents unset).
        return BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = lowercase, RemoveNonSpacingMarks = lowercase });
    }
}
