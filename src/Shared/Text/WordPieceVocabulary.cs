namespace Orchestrator.Shared.Text;

/// <summary>
/// Token &lt;-&gt; id maps. Word-initial pieces and `##` continuation pieces are kept in two dictionaries keyed
/// without the prefix, so the greedy matcher looks up spans of the normalized text without building strings.
/// </summary>
public sealed class WordPieceVocabulary
{
    private readonly Dictionary<string, int> _tokenToId;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _initial;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuation;
    private readonly string?[] _idToToken;

    /// <param name="tokens">Token and id pairs; ids must be unique, tokens must be unique.</param>
    /// <param name="source">File name (and location format) used in error messages.</param>
    public WordPieceVocabulary(IEnumerable<(string Token, int Id, string Location)> tokens, string continuingSubwordPrefix, string source)
    {
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        _tokenToId = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        var idOwner = new Dictionary<int, string>();
        var initial = new Dictionary<string, int>(StringComparer.Ordinal);
        var continuation = new Dictionary<string, int>(StringComparer.Ordinal);
        int maxId = -1;
        foreach (var (token, id, location) in tokens)
        {
            if (id < 0) throw new FormatException($"{source}: {location}: negative id {id} for token '{token}'");
            if (!firstSeen.TryAdd(token, location))
                throw new FormatException($"{source}: {location}: duplicate token '{token}' (first at {firstSeen[token]})");
            if (!idOwner.TryAdd(id, token))
                throw new FormatException($"{source}: {location}: id {id} of token '{token}' is already used by '{idOwner[id]}'");
            _tokenToId[token] = id;
            maxId = Math.Max(maxId, id);
            if (continuingSubwordPrefix.Length > 0 && token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
                continuation[token[continuingSubwordPrefix.Length..]] = id;
            else
                initial[token] = id;
            MaxPieceLength = Math.Max(MaxPieceLength, token.Length);
        }
        if (_tokenToId.Count == 0) throw new FormatException($"{source}: the vocabulary is empty");
        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in _tokenToId) _idToToken[id] = token;
        _initial = initial.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuation = continuation.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string ContinuingSubwordPrefix { get; }
    public int Count => _tokenToId.Count;
    /// <summary>Longest token in UTF-16 units: no piece can be longer, which bounds the greedy search.</summary>
    public int MaxPieceLength { get; }
    public IReadOnlyDictionary<string, int> TokenToId => _tokenToId;

    public bool TryGetId(string token, out int id) => _tokenToId.TryGetValue(token, out id);
    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    internal bool TryGetPiece(ReadOnlySpan<char> piece, bool continuation, out int id) =>
        continuation ? _continuation.TryGetValue(piece, out id) : _initial.TryGetValue(piece, out id);

    /// <summary>Reads `vocab.txt`: one token per line, id = line index (0-based).</summary>
    public static WordPieceVocabulary FromVocabFile(string path, string continuingSubwordPrefix = "##")
    {
        var lines = File.ReadAllLines(path);
        var entries = new List<(string, int, string)>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            // Hugging Face strips trailing whitespace (the newline and a stray \r) from each line.
            var token = lines[i].TrimEnd();
            if (token.Length == 0) throw new FormatException($"{path}: line {i + 1}: empty token");
            entries.Add((token, i, $"line {i + 1}"));
        }
        return new WordPieceVocabulary(entries, continuingSubwordPrefix, path);
    }
}
