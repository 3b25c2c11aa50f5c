using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Tests.Text;

public sealed class TokenizerLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tokenizer-load-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Folder_vocab_and_json_forms_give_the_same_encodings()
    {
        var fromFolder = BertTokenizer.Load(TestTokenizers.Dir("uncased"));
        var fromVocab = BertTokenizer.Load(Path.Combine(TestTokenizers.Dir("uncased"), "vocab.txt"));
        const string text = "Héllo, WORLD! 中国 naïve [MASK] tokenization";

        Assert.Equal(fromVocab.Encode(text).InputIds, fromFolder.Encode(text).InputIds);
        Assert.True(fromVocab.NormalizerOptions.Lowercase);
        Assert.Equal(512, fromVocab.Options.ModelMaxLength);
        Assert.Equal(fromVocab.VocabSize, fromFolder.VocabSize);
        Assert.Equal(0, fromFolder.PadTokenId);
    }

    [Fact]
    public void Duplicate_token_in_vocab_txt_names_the_file_and_both_lines()
    {
        var path = Write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\nhello\n");

        var error = Assert.Throws<FormatException>(() => BertTokenizer.FromVocabFile(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("line 7", error.Message);
        Assert.Contains("line 5", error.Message);
        Assert.Contains("'hello'", error.Message);
    }

    [Theory]
    [InlineData("[PAD]\n[CLS]\n[SEP]\nhello\n", "unk_token '[UNK]'")]
    [InlineData("[PAD]\n[UNK]\n[SEP]\nhello\n", "cls_token '[CLS]'")]
    [InlineData("[PAD]\n[UNK]\n[CLS]\nhello\n", "sep_token '[SEP]'")]
    [InlineData("[PAD]\n[UNK]\n\n[CLS]\n[SEP]\n", "line 3: empty token")]
    public void Vocab_txt_without_a_required_special_token_is_refused(string content, string expected)
    {
        var path = Write("vocab.txt", content);

        var error = Assert.Throws<FormatException>(() => BertTokenizer.FromVocabFile(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("""{"model":{"type":"BPE","vocab":{}},"pre_tokenizer":{"type":"BertPreTokenizer"}}""", "model.type is 'BPE'")]
    [InlineData("""{"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":"x"}},"pre_tokenizer":{"type":"BertPreTokenizer"}}""", "model.vocab[\"a\"] must be an integer")]
    [InlineData("""{"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":0}},"pre_tokenizer":{"type":"BertPreTokenizer"}}""", "id 0 of token 'a' is already used by '[UNK]'")]
    [InlineData("""{"model":{"type":"WordPiece","vocab":{"[UNK]":0}},"pre_tokenizer":{"type":"Whitespace"}}""", "pre_tokenizer.type is 'Whitespace'")]
    [InlineData("""{"model":{"type":"WordPiece","vocab":{"[UNK]":0}},"pre_tokenizer":{"type":"BertPreTokenizer"},"normalizer":{"type":"NFKC"}}""", "normalizer.type is 'NFKC'")]
    [InlineData("""{"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[PAD]":1}},"pre_tokenizer":{"type":"BertPreTokenizer"},"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}}],"pair":[],"special_tokens":{}}}""", "special token '[CLS]'")]
    [InlineData("{\n\"model\": {\n\"type\": \"WordPiece\",,\n}}", "line 3: invalid JSON")]
    public void Bad_tokenizer_json_is_refused_naming_the_file_and_field(string json, string expected)
    {
        var path = Write("tokenizer.json", json);

        var error = Assert.Throws<FormatException>(() => BertTokenizer.FromTokenizerJson(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Tokenizer_config_overrides_the_normalizer_like_BertTokenizerFast()
    {
        File.Copy(Path.Combine(TestTokenizers.Dir("cased"), "tokenizer.json"), Path.Combine(_dir, "tokenizer.json"));
        Write("tokenizer_config.json", """{"do_lower_case": true, "model_max_length": 1e30}""");

        var tokenizer = BertTokenizer.Load(_dir);

        Assert.True(tokenizer.NormalizerOptions.Lowercase);
        Assert.Null(tokenizer.Options.ModelMaxLength);
        Assert.Equal("[CLS] e ##u [SEP]".Split(' '), tokenizer.Encode("EU").Tokens);
    }

    [Fact]
    public void Missing_path_is_reported()
    {
        var error = Assert.Throws<FileNotFoundException>(() => BertTokenizer.Load(Path.Combine(_dir, "nothing-here")));
        Assert.Contains("nothing-here", error.Message);
        Assert.Throws<FileNotFoundException>(() => BertTokenizer.Load(_dir));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
