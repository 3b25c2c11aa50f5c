namespace Orchestrator.Shared.Text;

/// <summary>
/// WordPiece tokenizer equal, token for token, to Hugging Face's BertTokenizerFast: added (special) tokens
/// matched in the raw text, BertNormalizer, BertPreTokenizer (split on whitespace, punctuation isolated),
/// greedy WordPiece, then the post-processor template (`[CLS] A [SEP]`, `[CLS] A [SEP] B [SEP]`).
/// Offsets are UTF-16 indices into the caller's original string (into the word for pre-tokenized input).
/// Thread-safe: per-thread scratch buffers, immutable state.
/// </summary>
public sealed partial class BertTokenizer : ITokenizer
{
    private readonly BertNormalizer _normalizer;
    private readonly WordPieceModel _model;
    private readonly AddedTokenMatcher _addedTokens;
    private readonly Dictionary<int, string> _addedIdToToken;
    private readonly HashSet<int> _specialIds;
    private readonly PostProcessorTemplate _template;
    private readonly bool _decoderCleanup;

    [ThreadStatic] private static Scratch? t_scratch;

    /// <param name="addedTokens">Tokens matched whole in the raw text (content, id, special). Defaults to the options' special tokens.</param>
    /// <param name="template">Post-processor; defaults to BertProcessing with the options' [CLS] and [SEP].</param>
    /// <param name="decoderCleanup">The WordPiece decoder's own `cleanup` flag.</param>
    public BertTokenizer(
        WordPieceVocabulary vocabulary,
        BertTokenizerOptions? options = null,
        IEnumerable<(string Content, int Id, bool Special)>? addedTokens = null,
        PostProcessorTemplate? template = null,
        string source = "tokenizer",
        bool decoderCleanup = true)
    {
        Options = options ?? new BertTokenizerOptions();
        Vocabulary = vocabulary;
        Source = source;
        _decoderCleanup = decoderCleanup;
        _normalizer = new BertNormalizer(Options.Normalizer);

        _addedIdToToken = new Dictionary<int, string>();
        _specialIds = new HashSet<int>();
        var added = new List<(string, int)>();
        if (addedTokens is null)
        {
            foreach (var token in new[] { Options.PadToken, Options.UnkToken, Options.ClsToken, Options.SepToken, Options.MaskToken })
            {
                if (vocabulary.TryGetId(token, out int id) && _specialIds.Add(id)) added.Add((token, id));
            }
        }
        else
        {
            foreach (var (content, id, special) in addedTokens)
            {
                added.Add((content, id));
                if (vocabulary.IdToToken(id) is null) _addedIdToToken[id] = content;
                if (special) _specialIds.Add(id);
            }
        }
        _addedTokens = new AddedTokenMatcher(added);

        UnkTokenId = RequireId(Options.UnkToken, "unk_token");
        PadTokenId = RequireId(Options.PadToken, "pad_token");
        _template = template ?? PostProcessorTemplate.Bert(
            Options.ClsToken, RequireId(Options.ClsToken, "cls_token"), Options.SepToken, RequireId(Options.SepToken, "sep_token"));
        foreach (var piece in _template.Single.Concat(_template.Pair))
            if (!piece.IsSequence) _specialIds.Add(piece.SpecialId);
        _model = new WordPieceModel(vocabulary, UnkTokenId, Options.MaxInputCharsPerWord);
        VocabSize = vocabulary.Count + _addedIdToToken.Count;
    }

    public BertTokenizerOptions Options { get; }
    public WordPieceVocabulary Vocabulary { get; }
    /// <summary>The file(s) this tokenizer was loaded from, for messages.</summary>
    public string Source { get; }
    public int VocabSize { get; }
    public int PadTokenId { get; }
    public int UnkTokenId { get; }
    public PostProcessorTemplate Template => _template;
    public BertNormalizerOptions NormalizerOptions => _normalizer.Options;

    /// <summary>Number of special tokens the template adds to one text (2 for BERT) or a pair (3).</summary>
    public int NumSpecialTokensToAdd(bool pair) => pair ? _template.SpecialCountPair : _template.SpecialCountSingle;

    public int? TokenToId(string token)
    {
        if (Vocabulary.TryGetId(token, out int id)) return id;
        foreach (var (addedId, content) in _addedIdToToken) if (content == token) return addedId;
        return null;
    }

    public string? IdToToken(int id) => Vocabulary.IdToToken(id) ?? _addedIdToToken.GetValueOrDefault(id);

    public bool IsSpecialId(int id) => _specialIds.Contains(id);

    /// <summary>The normalizer's output for <paramref name="text"/> (what the pre-tokenizer sees).</summary>
    public string Normalize(string text) => _normalizer.Normalize(text);

    private int RequireId(string token, string field) =>
        TokenToId(token) ?? throw new FormatException($"{Source}: {field} '{token}' is not in the vocabulary");

    private static Scratch GetScratch() => t_scratch ??= new Scratch();

    private sealed class Scratch
    {
        public readonly NormalizedBuffer Normalized = new();
        public readonly TokenSink First = new();
        public readonly TokenSink Second = new();
    }
}
