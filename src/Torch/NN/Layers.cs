using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>y = x W^T + b with W of shape [out_features, in_features], initialised as PyTorch does.</summary>
        public sealed class Linear : Module<Tensor, Tensor>
        {
            public Parameter weight { get; }
            public Parameter? bias { get; }
            public long in_features { get; }
            public long out_features { get; }

            public Linear(long in_features, long out_features, bool hasBias = true, Device? device = null, ScalarType? dtype = null)
            {
                this.in_features = in_features;
                this.out_features = out_features;
                // reset_parameters(): kaiming_uniform_(a=sqrt(5)) for the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in))
                // for the bias; bounds computed with PyTorch's exact floating-point steps so seeded inits match.
                var gain = Math.Sqrt(2.0 / (1 + Math.Pow(Math.Sqrt(5), 2)));
                var weightBound = in_features > 0 ? Math.Sqrt(3.0) * (gain / Math.Sqrt(in_features)) : 0;
                var bound = in_features > 0 ? 1.0 / Math.Sqrt(in_features) : 0;
                using (no_grad())
                {
                    using var w = empty([out_features, in_features], dtype, device).uniform_(-weightBound, weightBound);
                    weight = register_parameter("weight", new Parameter(w))!;
                    if (hasBias)
                    {
                        using var b = empty([out_features], dtype, device).uniform_(-bound, bound);
                        bias = register_parameter("bias", new Parameter(b));
                    }
                    else register_parameter("bias", null);
                }
            }

            public override Tensor forward(Tensor input) => F.linear(input, weight, bias);
        }

        /// <summary>A lookup table [num_embeddings, embedding_dim] initialised N(0, 1), padding row zero.</summary>
        public sealed class Embedding : Module<Tensor, Tensor>
        {
            public Parameter weight { get; }
            public long? padding_idx { get; }

            public Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, ScalarType? dtype = null)
            {
                if (padding_idx is { } p && (p >= num_embeddings || p < -num_embeddings))
                    throw new ArgumentOutOfRangeException(nameof(padding_idx), p, "padding_idx must be within num_embeddings");
                this.padding_idx = padding_idx is { } q && q < 0 ? q + num_embeddings : padding_idx;
                using (no_grad())
                {
                    using var w = empty([num_embeddings, embedding_dim], dtype, device).normal_();
                    if (this.padding_idx is { } row)
                        using (var padRow = w.select(0, row).DetachFromDisposeScope()) padRow.zero_();
                    weight = register_parameter("weight", new Parameter(w))!;
                }
            }

            public override Tensor forward(Tensor input) => F.embedding(input, weight, padding_idx);
        }

        /// <summary>Layer normalisation over the trailing dimensions, parameters `weight` (ones) and `bias` (zeros).</summary>
        public sealed class LayerNorm : Module<Tensor, Tensor>
        {
            private readonly long[] normalizedShape;

            public Parameter? weight { get; }
            public Parameter? bias { get; }
            public double eps { get; }

            public LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, Device? device = null, ScalarType? dtype = null)
            {
                normalizedShape = (long[])normalized_shape.Clone();
                this.eps = eps;
                if (elementwise_affine)
                {
                    using var w = ones(normalizedShape, dtype, device);
                    using var b = zeros(normalizedShape, dtype, device);
                    weight = register_parameter("weight", new Parameter(w));
                    bias = register_parameter("bias", new Parameter(b));
                }
            }

            public LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true)
                : this([normalized_shape], eps, elementwise_affine) { }

            public override Tensor forward(Tensor input) => F.layer_norm(input, normalizedShape, weight, bias, eps);
        }

        /// <summary>
        /// Zeroes elements with probability p while training, identity in eval. Draws from
        /// <see cref="generator"/> when set (a replica's own stream, so replicas sharing a process stay
        /// deterministic), else from the default CPU generator.
        /// </summary>
        public sealed class Dropout(double p = 0.5) : Module<Tensor, Tensor>
        {
            public double p { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");

            /// <summary>The generator masks are drawn from; not owned by the module.</summary>
            public Generator? generator { get; set; }

            public override Tensor forward(Tensor input) => F.dropout(input, p, training, generator);
        }

        /// <summary>An indexed list of modules, registered as children "0", "1", ...</summary>
        public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
        {
            private readonly List<T> items = [];

            public ModuleList(params IEnumerable<T> modules)
            {
                foreach (var m in modules) Add(m);
            }

            public void Add(T module)
            {
                register_module(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
                items.Add(module);
            }

            public T this[int index] => items[index];
            public int Count => items.Count;
            public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
