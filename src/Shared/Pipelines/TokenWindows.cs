namespace Orchestrator.Shared.Pipelines;

/// <summary>
/// The chunks a long text is cut into, as the fast tokenizer cuts with return_overflowing_tokens and a stride:
/// windows of at most <c>capacity</c> content tokens (the model's length minus the special tokens), each starting
/// <c>capacity - stride</c> tokens after the previous, so neighbours share <c>stride</c> tokens; the last window
/// is the first that reaches the end.
/// </summary>
public static class TokenWindows
{
    /// <summary>[Start, End) ranges of content tokens; one window when the text fits.</summary>
    public static IReadOnlyList<(int Start, int End)> Split(int tokens, int capacity, int stride)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a window must hold at least one token");
        if (stride < 0 || stride >= capacity)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"the stride must be at least 0 and smaller than the window's {capacity} tokens");
        if (tokens <= capacity) return [(0, tokens)];
        var windows = new List<(int, int)>();
        for (int start = 0; ; start += capacity - stride)
        {
            int end = Math.Min(start + capacity, tokens);
            windows.Add((start, end));
            if (end == tokens) return windows;
        }
    }

    /// <summary>The default overlap: 128 tokens as Hugging Face's question answering uses, at most half a window.</summary>
    public static int DefaultStride(int capacity) => Math.Min(128, capacity / 2);
}
