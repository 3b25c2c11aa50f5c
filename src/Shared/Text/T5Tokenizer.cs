using Orchestrator.Shared.Text.SentencePiece;

namespace Orchestrator.Shared.Text;

/// <summary>
/// T5's tokenizer, as Hugging Face's T5Tokenizer runs it: added tokens (`&lt;pad&gt; &lt;/s&gt; &lt;unk&gt;` and the
/// sentinels `&lt;extra_id_N&gt;`) are found in the raw text first; the text between them is encoded by the
/// SentencePiece Unigram model, each stretch on its own (with its own dummy-prefix "▁", as the legacy
/// tokenizer does); `&lt;/s&gt;` closes every text, so a pair is `A &lt;/s&gt; B &lt;/s&gt;`. Token type ids are all 0.
/// Ids equal the sentencepiece library's for the text between added tokens.
/// Offsets are UTF-16 indices into the original text (sentencepiece's surface spans); the `&lt;/s&gt;` added
/// at the end gets (0, 0). Thread-safe.
/// </summary>
public sealed partial class T5Tokenizer : ITokenizer
{
    private readonly SentencePieceProcessor _processor;
    private readonly AddedTokenMatcher _addedTokens;
    private readonly Dictionary<int, string> _addedIdToToken = new();
    private readonly Dictionary<string, int> _addedTokenToId = new(StringComparer.Ordinal);
    private readonly HashSet<int> _specialIds = new();

    /// <param name="addedTokens">Tokens matched whole in the raw text (content, id, special); by default the
    /// options' pad / eos / unk tokens, the extra ids and the additional special tokens.</param>
    public T5Tokenizer(SentencePieceProcessor processor, T5TokenizerOptions? options = null,
        IEnumerable<(string Content, int Id, bool Special)>? addedTokens = null, string? source = null)
    {
        _processor = processor;
        Options = options ?? new T5TokenizerOptions();
        Source = source ?? processor.Source;

        var added = addedTokens?.ToList() ?? DefaultAddedTokens(processor, Options, Source);
        foreach (var (content, id, special) in added)
        {
            if (id < processor.PieceCount && processor.IdToPiece(id) != content)
                throw new FormatException($"{Source}: added token '{content}' has id {id}, which is the piece '{processor.IdToPiece(id)}'");
            _addedIdToToken[id] = content;
            _addedTokenToId.TryAdd(content, id);
            if (special) _specialIds.Add(id);
        }
        _addedTokens = new AddedTokenMatcher(added.Select(a => (a.Content, a.Id)));

        EosTokenId = RequireId(Options.EosToken, "eos_token");
        UnkTokenId = RequireId(Options.UnkToken, "unk_token");
        PadTokenId = RequireId(Options.PadToken, "pad_token");
        _specialIds.UnionWith([EosTokenId, UnkTokenId, PadTokenId]);
        VocabSize = Math.Max(processor.PieceCount, _addedIdToToken.Count == 0 ? 0 : _addedIdToToken.Keys.Max() + 1);
    }

    public T5TokenizerOptions Options { get; }
    /// <summary>The file(s) this tokenizer was loaded from, for messages.</summary>
    public string Source { get; }
    /// <summary>The SentencePiece model underneath (pieces, normalizer, Unigram).</summary>
    public SentencePieceProcessor Processor => _processor;
    /// <summary>Pieces plus extra ids (32,100 for t5-base). Model embeddings may have more rows; see <see cref="Decode(IEnumerable{int}, bool)"/>.</summary>
    public int VocabSize { get; }
    public int PadTokenId { get; }
    public int EosTokenId { get; }
    public int UnkTokenId { get; }

    /// <summary>The id of `&lt;extra_id_<paramref name="n"/>&gt;`, or null.</summary>
    public int? SentinelTokenId(int n) => TokenToId($"<extra_id_{n}>");

    public int? TokenToId(string token)
    {
        if (_addedTokenToId.TryGetValue(token, out int id)) return id;
        int pieceId = _processor.PieceToId(token);
        return pieceId != _processor.UnkId || token == _processor.IdToPiece(_processor.UnkId) ? pieceId : null;
    }

    /// <summary>The token of an id, or null for ids beyond the vocabulary (such as an embedding matrix's padding rows).</summary>
    public string? IdToToken(int id) =>
        _addedIdToToken.TryGetValue(id, out var token) ? token : (uint)id < (uint)_processor.PieceCount ? _processor.IdToPiece(id) : null;

    public bool IsSpecialId(int id) => _specialIds.Contains(id);

    /// <summary>Number of special tokens added to one text (1: `&lt;/s&gt;`) or a pair (2).</summary>
    public int NumSpecialTokensToAdd(bool pair) => pair ? 2 : 1;

    private int RequireId(string token, string field) =>
        TokenToId(token) ?? throw new FormatException($"{Source}: {field} '{token}' is not in the vocabulary");

    /// <summary>What T5Tokenizer adds for a bare spiece.model: its special tokens and the extra ids after the pieces.</summary>
    private static List<(string, int, bool)> DefaultAddedTokens(SentencePieceProcessor processor, T5TokenizerOptions options, string source)
    {
        var added = new List<(string, int, bool)>();
        foreach (var (field, token) in new[] { ("pad_token", options.PadToken), ("eos_token", options.EosToken), ("unk_token", options.UnkToken) })
        {
            int id = processor.PieceToId(token);
            if (processor.IdToPiece(id) != token) throw new FormatException($"{source}: {field} '{token}' is not a piece of the model");
            added.Add((token, id, true));
        }
        for (int n = 0; n < options.ExtraIds; n++) added.Add(($"<extra_id_{n}>", processor.PieceCount + options.ExtraIds - 1 - n, true));
        foreach (var token in options.AdditionalSpecialTokens)
        {
            if (token.StartsWith("<extra_id_", StringComparison.Ordinal) || added.Any(a => a.Item1 == token)) continue;
            int id = processor.PieceToId(token);
            if (processor.IdToPiece(id) != token)
                throw new FormatException($"{source}: additional special token '{token}' is neither an extra id nor a piece of the model");
            added.Add((token, id, true));
        }
        return added;
    }
}
