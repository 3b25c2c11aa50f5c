namespace Orchestrator.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost open scope, and disposes
/// them when it is disposed. Hot loops open one per step so native memory is freed
/// deterministically, never by the finalizer. Results that must outlive the scope are moved out
/// with <see cref="torch.Tensor.MoveToOuterDisposeScope"/> or <see cref="torch.Tensor.DetachFromDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static List<DisposeScope>? stack;

    private readonly HashSet<torch.Tensor> owned = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    internal DisposeScope()
    {
        (stack ??= []).Add(this);
    }

    internal static DisposeScope? Current => stack is { Count: > 0 } s ? s[^1] : null;

    /// <summary>The scope that encloses this one, or null.</summary>
    internal DisposeScope? Outer
    {
        get
        {
            if (stack is null) return null;
            var index = stack.IndexOf(this);
            return index > 0 ? stack[index - 1] : null;
        }
    }

    public int OwnedCount => owned.Count;

    internal void Attach(torch.Tensor tensor) => owned.Add(tensor);

    internal bool Release(torch.Tensor tensor) => owned.Remove(tensor);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        stack?.Remove(this);
        foreach (var tensor in owned)
        {
            tensor.OwningScope = null;
            tensor.Dispose();
        }
        owned.Clear();
    }
}
