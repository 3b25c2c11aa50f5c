using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch.Distributed;

/// <summary>
/// A view of another store whose keys are all prefixed with <c>prefix/</c>. A group re-formed after a
/// failure uses a fresh prefix (e.g. the generation number) so stale keys of the old group never match.
/// The inner store stays alive natively as long as this one does.
/// </summary>
public sealed class PrefixStore(string prefix, Store inner)
    : Store(NativeMethods.orc_prefixstore_create(prefix, inner.Handle), inner.Timeout)
{
    public string Prefix { get; } = prefix;
}
