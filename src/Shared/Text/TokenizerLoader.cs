namespace Orchestrator.Shared.Text;

/// <summary>
/// The one place that turns a `--tokenizer` path into a tokenizer: a SentencePiece Unigram tokenizer (T5:
/// a folder with spiece.model, a spiece.model, or a tokenizer.json whose model is Unigram) becomes a
/// <see cref="T5Tokenizer"/>; anything else (vocab.txt, a WordPiece tokenizer.json) a <see cref="BertTokenizer"/>.
/// Commands take it as a <c>Func&lt;string, ITokenizer&gt;</c> so tests can pass their own.
/// </summary>
public static class TokenizerLoader
{
    public static ITokenizer Load(string path) => T5Tokenizer.IsT5Tokenizer(path) ? T5Tokenizer.Load(path) : BertTokenizer.Load(path);
}
