using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    public static Tensor softmax(Tensor input, long dim) => input.softmax(dim);
    public static Tensor log_softmax(Tensor input, long dim) => input.log_softmax(dim);

    public partial class Tensor
    {
        public Tensor softmax(long dim) => W(NativeMethods.orc_softmax(Handle, dim));
        public Tensor log_softmax(long dim) => W(NativeMethods.orc_log_softmax(Handle, dim));
        public Tensor relu() => W(NativeMethods.orc_relu(Handle));
    }

    public static partial class nn
    {
        /// <summary>Loss reductions, numbered as at::Reduction.</summary>
        public enum Reduction
        {
            None = 0,
            Mean = 1,
            Sum = 2,
        }

        /// <summary>torch.nn.functional.</summary>
        public static class functional
        {
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
                new(NativeMethods.orc_linear(input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero));

            /// <summary>GELU; approximate "none" is the exact erf form (BERT's "gelu"), "tanh" the approximation.</summary>
            public static Tensor gelu(Tensor input, string approximate = "none") => approximate switch
            {
                "none" => new(NativeMethods.orc_gelu(input.Handle, 0)),
                "tanh" => new(NativeMethods.orc_gelu(input.Handle, 1)),
                _ => throw new ArgumentException($"approximate must be 'none' or 'tanh', not '{approximate}'", nameof(approximate)),
            };

            public static Tensor relu(Tensor input) => input.relu();
            public static Tensor softmax(Tensor input, long dim) => input.softmax(dim);
            public static Tensor log_softmax(Tensor input, long dim) => input.log_softmax(dim);

            public static unsafe Tensor layer_norm(Tensor input, ReadOnlySpan<long> normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                fixed (long* s = normalized_shape)
                    return new(NativeMethods.orc_layer_norm(input.Handle, s, normalized_shape.Length, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps));
            }

            /// <summary>
            /// Dropout as PyTorch computes it on CPU (bernoulli(1-p) mask scaled by 1/(1-p)); the same
            /// generator state gives the same mask. Without a generator the default CPU generator is used.
            /// </summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null) =>
                new(NativeMethods.orc_dropout(input.Handle, p, training, Generator.HandleOf(generator)));

            public static Tensor embedding(Tensor input, Tensor weight, long? padding_idx = null) =>
                new(NativeMethods.orc_embedding(weight.Handle, input.Handle, padding_idx ?? -1));

            /// <summary>Cross entropy over class logits (dim 1), targets with ignore_index skipped (mean over the rest).</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean, double label_smoothing = 0.0) =>
                new(NativeMethods.orc_cross_entropy(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (int)reduction, ignore_index, label_smoothing));

            public static Tensor nll_loss(Tensor input, Tensor target, long ignore_index = -100, Reduction reduction = Reduction.Mean) =>
                new(NativeMethods.orc_nll_loss(input.Handle, target.Handle, (int)reduction, ignore_index));

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                new(NativeMethods.orc_mse_loss(input.Handle, target.Handle, (int)reduction));
        }
    }
}
