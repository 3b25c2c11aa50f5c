namespace Orchestrator.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// Base of every layer, shaped like torch.nn.Module: children, parameters and buffers are registered
        /// explicitly under PyTorch's names, so dotted names (`encoder.layer.0.attention.self.query.weight`)
        /// equal Hugging Face's. A module owns what it registers and disposes it with <see cref="Dispose"/>.
        /// </summary>
        public abstract class Module : IDisposable
        {
            private readonly List<KeyValuePair<string, Module>> children = [];
            private readonly List<KeyValuePair<string, Parameter?>> ownParameters = [];
            private readonly List<KeyValuePair<string, Tensor?>> ownBuffers = [];
            private readonly HashSet<string> nonPersistentBuffers = [];
            private bool disposed;

            public bool training { get; private set; } = true;

            public T register_module<T>(string name, T module) where T : Module
            {
                CheckName(name);
                children.Add(new(name, module));
                module.train(training);
                return module;
            }

            /// <summary>Registers a parameter (null registers the name with no value, like `bias=None`).</summary>
            public Parameter? register_parameter(string name, Parameter? parameter)
            {
                CheckName(name);
                ownParameters.Add(new(name, parameter));
                return parameter;
            }

            /// <summary>Registers a buffer (state that is not trained); the module takes ownership.</summary>
            public Tensor? register_buffer(string name, Tensor? buffer, bool persistent = true)
            {
                CheckName(name);
                buffer?.DetachFromDisposeScope();
                ownBuffers.Add(new(name, buffer));
                if (!persistent) nonPersistentBuffers.Add(name);
                return buffer;
            }

            private void CheckName(string name)
            {
                if (string.IsNullOrEmpty(name) || name.Contains('.'))
                    throw new ArgumentException($"invalid attribute name '{name}' (non-empty, no dots)", nameof(name));
                if (children.Any(c => c.Key == name) || ownParameters.Any(p => p.Key == name) || ownBuffers.Any(b => b.Key == name))
                    throw new ArgumentException($"attribute '{name}' is already registered on {GetType().Name}", nameof(name));
            }

            public IEnumerable<(string name, Module module)> named_children() => children.Select(c => (c.Key, c.Value));

            /// <summary>This module ("") and every descendant, depth first, with dotted names.</summary>
            public IEnumerable<(string name, Module module)> named_modules(string prefix = "")
            {
                yield return (prefix, this);
                foreach (var (name, child) in children)
                    foreach (var item in child.named_modules(Join(prefix, name)))
                        yield return item;
            }

            public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                foreach (var (prefix, module) in recurse ? named_modules() : [("", this)])
                    foreach (var (name, p) in module.ownParameters)
                        if (p is not null) yield return (Join(prefix, name), p);
            }

            public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(p => p.parameter);

            public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
            {
                foreach (var (prefix, module) in recurse ? named_modules() : [("", this)])
                    foreach (var (name, b) in module.ownBuffers)
                        if (b is not null) yield return (Join(prefix, name), b);
            }

            private IEnumerable<(string name, Tensor tensor)> PersistentState()
            {
                foreach (var (prefix, module) in named_modules())
                {
                    foreach (var (name, p) in module.ownParameters)
                        if (p is not null) yield return (Join(prefix, name), p);
                    foreach (var (name, b) in module.ownBuffers)
                        if (b is not null && !module.nonPersistentBuffers.Contains(name)) yield return (Join(prefix, name), b);
                }
            }

            /// <summary>
            /// Parameters and persistent buffers by dotted name, as detached tensors sharing the module's
            /// storage (PyTorch's state_dict). The values are new handles owned by the current dispose scope
            /// (or by the caller).
            /// </summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>();
                foreach (var (name, t) in PersistentState()) result[name] = t.detach();
                return result;
            }

            /// <summary>
            /// Copies matching entries into this module's tensors. Strict mode throws when keys are missing or
            /// unexpected (listing them); a shape mismatch always throws, naming the key and both shapes.
            /// </summary>
            public LoadStateDictResult load_state_dict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
            {
                var own = PersistentState().ToList();
                var ownNames = own.Select(o => o.name).ToHashSet();
                var missing = own.Where(o => !state.ContainsKey(o.name)).Select(o => o.name).ToList();
                var unexpected = state.Keys.Where(k => !ownNames.Contains(k)).ToList();
                if (strict && (missing.Count > 0 || unexpected.Count > 0))
                    throw new InvalidOperationException(
                        $"Error(s) in loading state_dict for {GetType().Name}: missing keys: [{string.Join(", ", missing)}]; unexpected keys: [{string.Join(", ", unexpected)}]");
                foreach (var (name, target) in own)
                {
                    if (!state.TryGetValue(name, out var source)) continue;
                    var (expected, actual) = (target.shape, source.shape);
                    if (!expected.SequenceEqual(actual))
                        throw new InvalidOperationException(
                            $"size mismatch for {name}: copying a param with shape [{string.Join(", ", actual)}] from checkpoint, the shape in current model is [{string.Join(", ", expected)}]");
                }
                using (no_grad())
                    foreach (var (name, target) in own)
                        if (state.TryGetValue(name, out var source))
                            target.copy_(source);
                return new LoadStateDictResult(missing, unexpected);
            }

            /// <summary>Sets training mode on this module and every descendant.</summary>
            public Module train(bool mode = true)
            {
                training = mode;
                foreach (var (_, child) in children) child.train(mode);
                return this;
            }

            public Module eval() => train(false);

            /// <summary>
            /// Clears every parameter's gradient (set_to_none=True, PyTorch 2's default). Parameters moved into
            /// <see cref="optim.FlatParameters"/> keep their gradient views and get them zeroed instead.
            /// </summary>
            public void zero_grad()
            {
                var flats = new HashSet<optim.FlatParameters>(ReferenceEqualityComparer.Instance);
                foreach (var p in parameters())
                {
                    if (p.Flat is { } flat) flats.Add(flat);
                    else p.grad = null;
                }
                foreach (var flat in flats) flat.zero_grad();
            }

            /// <summary>Moves or casts parameters and buffers in place (same Parameter objects, new storage).</summary>
            public Module to(Device device) => Apply(t => t.to(device));

            public Module to(ScalarType dtype) => Apply(t => t.dtype.IsFloatingPoint() ? t.to(dtype) : t.alias());

            private Module Apply(Func<Tensor, Tensor> convert)
            {
                using (no_grad())
                    foreach (var (_, t) in PersistentState().Concat(named_buffers()).DistinctBy(x => x.name))
                    {
                        using var converted = convert(t).DetachFromDisposeScope();
                        t.SetData(converted);
                    }
                return this;
            }

            private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

            public void Dispose()
            {
                if (disposed) return;
                disposed = true;
                Dispose(true);
                foreach (var (_, child) in children) child.Dispose();
                foreach (var (_, p) in ownParameters) p?.Dispose();
                foreach (var (_, b) in ownBuffers) b?.Dispose();
                GC.SuppressFinalize(this);
            }

            /// <summary>Releases what a subclass holds beyond registered members.</summary>
            protected virtual void Dispose(bool disposing) { }
        }

        /// <summary>A module with one input and one output; <see cref="call"/> runs <see cref="forward"/>.</summary>
        public abstract class Module<TIn, TOut> : Module
        {
            public abstract TOut forward(TIn input);
            public TOut call(TIn input) => forward(input);
        }

        /// <summary>A module with two inputs.</summary>
        public abstract class Module<TIn1, TIn2, TOut> : Module
        {
            public abstract TOut forward(TIn1 input1, TIn2 input2);
            public TOut call(TIn1 input1, TIn2 input2) => forward(input1, input2);
        }

        public sealed record LoadStateDictResult(IReadOnlyList<string> missing_keys, IReadOnlyList<string> unexpected_keys);
    }
}
