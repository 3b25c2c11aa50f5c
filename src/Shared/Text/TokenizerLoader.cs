namespace Orchestrator.Shared.Text;

/// <summary>
/// The one place that turns a `--tokenizer` path (a folder with vocab.txt / tokenizer.json, or a
/// vocab.txt) into a tokenizer. Commands take it as a <c>Func&lt;string, ITokenizer&gt;</c> so tests
/// can pass their own.
/// </summary>
public static class TokenizerLoader
{
    public static ITokenizer Load(string path) => BertTokenizer.Load(path);
}
