namespace Orchestrator.Shared.Text.SentencePiece;

/// <summary>
/// The pieces of a Unigram model in a byte-level double-array trie (what sentencepiece builds with Darts),
/// so that walking the normalized UTF-8 text from a position yields every piece that starts there, shortest
/// first, with one array lookup per byte.
/// </summary>
internal sealed class PieceTrie
{
    // Node n's child for byte b is t = _base[n] + b + 1, valid when _check[t] == n. _value[t] is a piece id or -1.
    private readonly int[] _base;
    private readonly int[] _check;
    private readonly int[] _value;

    public const int Root = 0;

    public PieceTrie(IEnumerable<(byte[] Key, int Id)> keys)
    {
        // First a pointer trie, then packed into the double array, parents before children.
        var children = new List<SortedDictionary<byte, int>> { new() };
        var values = new List<int> { -1 };
        foreach (var (key, id) in keys)
        {
            int node = 0;
            foreach (byte b in key)
            {
                if (!children[node].TryGetValue(b, out int next))
                {
                    next = children.Count;
                    children.Add(new SortedDictionary<byte, int>());
                    values.Add(-1);
                    children[node][b] = next;
                }
                node = next;
            }
            if (values[node] < 0) values[node] = id;
        }

        int capacity = Math.Max(1024, children.Count * 2);
        var @base = new int[capacity];
        var check = new int[capacity];
        var value = new int[capacity];
        // How often a free slot was tried as a first child's place and failed: slots that keep failing are
        // skipped by later searches, which keeps the first-fit search near the frontier (linear build time).
        var failures = new byte[capacity];
        Array.Fill(check, -1);
        Array.Fill(value, -1);
        check[0] = 0;
        value[0] = values[0];
        var slotOf = new int[children.Count];
        var queue = new Queue<int>();
        queue.Enqueue(0);
        int searchFrom = 1;
        while (queue.Count > 0)
        {
            int node = queue.Dequeue();
            int slot = slotOf[node];
            var kids = children[node];
            if (kids.Count == 0) continue;
            while (searchFrom < check.Length && (check[searchFrom] >= 0 || failures[searchFrom] >= MaxFailures)) searchFrom++;
            int firstOffset = kids.Keys.First() + 1;
            int b;
            for (int first = searchFrom; ; first++)
            {
                if (first + 257 >= check.Length) Grow(ref @base, ref check, ref value, ref failures, check.Length * 2);
                if (check[first] >= 0) continue;
                b = first - firstOffset;
                if (b < 1) continue;
                bool fits = true;
                foreach (byte label in kids.Keys)
                {
                    if (check[b + label + 1] >= 0) { fits = false; break; }
                }
                if (fits) break;
                if (failures[first] < MaxFailures) failures[first]++;
            }
            @base[slot] = b;
            foreach (var (label, child) in kids)
            {
                int t = b + label + 1;
                check[t] = slot;
                value[t] = values[child];
                slotOf[child] = t;
                queue.Enqueue(child);
            }
        }
        int used = check.Length;
        while (used > 1 && check[used - 1] < 0) used--;
        Array.Resize(ref @base, used + 257);
        Array.Resize(ref check, used + 257);
        Array.Resize(ref value, used + 257);
        for (int i = used; i < check.Length; i++) check[i] = -1;
        for (int i = used; i < value.Length; i++) value[i] = -1;
        _base = @base;
        _check = check;
        _value = value;
    }

    private const int MaxFailures = 16;

    private static void Grow(ref int[] @base, ref int[] check, ref int[] value, ref byte[] failures, int size)
    {
        int old = check.Length;
        Array.Resize(ref @base, size);
        Array.Resize(ref check, size);
        Array.Resize(ref value, size);
        Array.Resize(ref failures, size);
        Array.Fill(check, -1, old, size - old);
        Array.Fill(value, -1, old, size - old);
    }

    /// <summary>Moves from <paramref name="node"/> along <paramref name="b"/>; false when no key continues that way.</summary>
    public bool TryStep(ref int node, byte b)
    {
        int t = _base[node] + b + 1;
        if ((uint)t >= (uint)_check.Length || _check[t] != node) return false;
        node = t;
        return true;
    }

    /// <summary>The piece id ending at <paramref name="node"/>, or -1.</summary>
    public int ValueAt(int node) => _value[node];

    /// <summary>The id of an exact key, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int node = Root;
        foreach (byte b in key) if (!TryStep(ref node, b)) return -1;
        return _value[node];
    }
}
