using Orchestrator.Torch.Interop;

namespace Orchestrator.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>
        /// torch.optim.AdamW (PyTorch 1.13 single-tensor path, amsgrad=False, maximize=False) over a
        /// <see cref="FlatParameters"/>: one fused native update per parameter group segment, with exp_avg
        /// and exp_avg_sq kept as flat buffers laid out like the parameters. Elementwise, so the result equals
        /// the per-parameter update.
        /// </summary>
        public sealed class AdamW : IDisposable
        {
            private readonly bool ownsFlat;
            private readonly Tensor[] paramSegments, gradSegments, avgSegments, avgSqSegments;

            public FlatParameters Flat { get; }
            public Tensor ExpAvg { get; }
            public Tensor ExpAvgSq { get; }
            public double beta1 { get; }
            public double beta2 { get; }
            public double eps { get; }
            /// <summary>Per-group learning rates (the scheduler writes these) and weight decays.</summary>
            public double[] GroupLr { get; }
            public double[] InitialLr { get; }
            public double[] GroupWeightDecay { get; }
            /// <summary>Steps taken (PyTorch keeps one per parameter; all are equal here).</summary>
            public long StepCount { get; private set; }

            /// <summary>Builds the flat buffers from the groups; the optimiser owns them.</summary>
            public AdamW(IReadOnlyList<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weight_decay = 1e-2)
                : this(new FlatParameters(groups), lr, betas, eps, weight_decay, ownsFlat: true) { }

            /// <summary>Uses existing flat buffers; each group's weight_decay comes from its ParamGroup.</summary>
            public AdamW(FlatParameters flat, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weight_decay = 1e-2)
                : this(flat, lr, betas, eps, weight_decay, ownsFlat: false) { }

            private AdamW(FlatParameters flat, double lr, (double, double)? betas, double eps, double weight_decay, bool ownsFlat)
            {
                if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "invalid learning rate");
                if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), eps, "invalid epsilon");
                var (b1, b2) = betas ?? (0.9, 0.999);
                if (b1 is < 0 or >= 1 || b2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(betas), $"invalid betas ({b1}, {b2})");
                Flat = flat;
                this.ownsFlat = ownsFlat;
                (beta1, beta2, this.eps) = (b1, b2, eps);
                var n = flat.Groups.Count;
                GroupLr = flat.Groups.Select(g => g.group.lr ?? lr).ToArray();
                InitialLr = (double[])GroupLr.Clone();
                GroupWeightDecay = flat.Groups.Select(g => g.group.weight_decay ?? weight_decay).ToArray();
                ExpAvg = zeros_like(flat.Data).DetachFromDisposeScope();
                ExpAvgSq = zeros_like(flat.Data).DetachFromDisposeScope();
                paramSegments = new Tensor[n];
                gradSegments = new Tensor[n];
                avgSegments = new Tensor[n];
                avgSqSegments = new Tensor[n];
                for (var g = 0; g < n; g++)
                {
                    paramSegments[g] = flat.SegmentOf(flat.Data, g).DetachFromDisposeScope();
                    gradSegments[g] = flat.SegmentOf(flat.Grad, g).DetachFromDisposeScope();
                    avgSegments[g] = flat.SegmentOf(ExpAvg, g).DetachFromDisposeScope();
                    avgSqSegments[g] = flat.SegmentOf(ExpAvgSq, g).DetachFromDisposeScope();
                }
            }

            public void step()
            {
                StepCount++;
                for (var g = 0; g < paramSegments.Length; g++)
                {
                    if (paramSegments[g].numel() == 0) continue;
                    NativeMethods.orc_adamw_step(paramSegments[g].Handle, gradSegments[g].Handle, avgSegments[g].Handle, avgSqSegments[g].Handle,
                        StepCount, GroupLr[g], beta1, beta2, eps, GroupWeightDecay[g]);
                    TorchException.ThrowIfFailed();
                }
            }

            /// <summary>Zeroes the flat gradient buffer (the gradients stay views of it).</summary>
            public void zero_grad() => Flat.zero_grad();

            /// <summary>
            /// Flat optimiser state: `step` (int64 scalar), `exp_avg` and `exp_avg_sq` (flat, laid out as
            /// <see cref="FlatParameters.Entries"/>), `lr` (float64 per group). Values are copies owned by the caller.
            /// </summary>
            public Dictionary<string, Tensor> state_dict() => new()
            {
                ["step"] = tensor(StepCount),
                ["exp_avg"] = ExpAvg.clone(),
                ["exp_avg_sq"] = ExpAvgSq.clone(),
                ["lr"] = tensor(GroupLr),
            };

            public void load_state_dict(IReadOnlyDictionary<string, Tensor> state)
            {
                foreach (var key in new[] { "step", "exp_avg", "exp_avg_sq", "lr" })
                    if (!state.ContainsKey(key)) throw new InvalidOperationException($"optimizer state is missing '{key}'");
                foreach (var key in new[] { "exp_avg", "exp_avg_sq" })
                    if (state[key].numel() != Flat.Count)
                        throw new InvalidOperationException($"optimizer state '{key}' has {state[key].numel()} elements, the parameters have {Flat.Count}");
                var lrs = state["lr"].to(ScalarType.Float64).DetachFromDisposeScope();
                using (lrs)
                {
                    var values = lrs.data<double>();
                    if (values.Length != GroupLr.Length)
                        throw new InvalidOperationException($"optimizer state has {values.Length} parameter groups, this optimizer has {GroupLr.Length}");
                    values.CopyTo(GroupLr, 0);
                }
                using (no_grad())
                {
                    ExpAvg.copy_(state["exp_avg"]);
                    ExpAvgSq.copy_(state["exp_avg_sq"]);
                }
                StepCount = state["step"].ToInt64();
            }

            public void Dispose()
            {
                foreach (var t in paramSegments.Concat(gradSegments).Concat(avgSegments).Concat(avgSqSegments)) t.Dispose();
                ExpAvg.Dispose();
                ExpAvgSq.Dispose();
                if (ownsFlat) Flat.Dispose();
            }
        }
    }
}
