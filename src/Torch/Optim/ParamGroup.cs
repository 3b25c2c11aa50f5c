namespace Orchestrator.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Named parameters sharing optimiser settings (a PyTorch param_group). Null lr or weight_decay means the optimiser's value.</summary>
        public sealed record ParamGroup(IReadOnlyList<(string name, nn.Parameter parameter)> parameters, double? weight_decay = null, double? lr = null);

        /// <summary>
        /// Hugging Face Trainer's grouping: weight decay for every parameter except biases and LayerNorm
        /// weights (names ending in `bias`, or containing `LayerNorm.weight` / `layer_norm.weight`).
        /// The decayed group comes first, as in the Trainer.
        /// </summary>
        public static IReadOnlyList<ParamGroup> WeightDecayGroups(IEnumerable<(string name, nn.Parameter parameter)> named, double weight_decay)
        {
            var decay = new List<(string, nn.Parameter)>();
            var noDecay = new List<(string, nn.Parameter)>();
            foreach (var (name, p) in named)
            {
                if (!p.requires_grad) continue;
                (ExcludedFromWeightDecay(name) ? noDecay : decay).Add((name, p));
            }
            return [new ParamGroup(decay, weight_decay), new ParamGroup(noDecay, 0.0)];
        }

        public static bool ExcludedFromWeightDecay(string name) =>
            name.EndsWith("bias", StringComparison.Ordinal)
            || name.Contains("LayerNorm.weight", StringComparison.Ordinal)
            || name.Contains("layer_norm.weight", StringComparison.Ordinal);
    }
}
