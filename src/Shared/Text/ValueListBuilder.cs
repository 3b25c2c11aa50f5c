namespace Orchestrator.Shared.Text;

/// <summary>A growable array used as a reusable scratch buffer (no per-call allocation once warm).</summary>
internal struct ValueListBuilder<T>
{
    private T[] _items;
    private int _count;

    public ValueListBuilder(int capacity) { _items = new T[Math.Max(capacity, 4)]; _count = 0; }

    public readonly int Count => _count;
    public readonly Span<T> AsSpan() => _items.AsSpan(0, _count);
    public readonly ref T this[int index] => ref _items[index];

    public void Clear() => _count = 0;

    /// <summary>Keeps the first <paramref name="length"/> items.</summary>
    public void Truncate(int length) => _count = length;

    public void Append(T item)
    {
        if (_count == _items.Length) Grow(1);
        _items[_count++] = item;
    }

    public Span<T> AppendSpan(int length)
    {
        if (_count + length > _items.Length) Grow(length);
        var span = _items.AsSpan(_count, length);
        _count += length;
        return span;
    }


    public readonly T[] ToArray() => _items.AsSpan(0, _count).ToArray();

    private void Grow(int extra) => Array.Resize(ref _items, Math.Max(_items.Length * 2, _count + extra));
}
