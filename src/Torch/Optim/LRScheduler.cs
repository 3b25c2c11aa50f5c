namespace Orchestrator.Torch;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>
            /// torch.optim.lr_scheduler.LambdaLR: lr = initial_lr * lambda(last_epoch). Like PyTorch, the
            /// constructor applies lambda(0) and each <see cref="step"/> advances one step.
            /// </summary>
            public sealed class LambdaLR
            {
                private readonly AdamW optimizer;
                private readonly Func<long, double> lambda;

                public long last_epoch { get; private set; } = -1;

                public LambdaLR(AdamW optimizer, Func<long, double> lr_lambda)
                {
                    this.optimizer = optimizer;
                    lambda = lr_lambda;
                    step();
                }

                public void step()
                {
                    last_epoch++;
                    Apply();
                }

                private void Apply()
                {
                    var factor = lambda(last_epoch);
                    for (var g = 0; g < optimizer.GroupLr.Length; g++) optimizer.GroupLr[g] = optimizer.InitialLr[g] * factor;
                }

                public IReadOnlyList<double> get_last_lr() => optimizer.GroupLr.ToArray();

                public Dictionary<string, long> state_dict() => new() { ["last_epoch"] = last_epoch };

                public void load_state_dict(IReadOnlyDictionary<string, long> state)
                {
                    last_epoch = state.TryGetValue("last_epoch", out var e) ? e : throw new InvalidOperationException("scheduler state is missing 'last_epoch'");
                    Apply();
                }
            }

            /// <summary>
            /// transformers.get_linear_schedule_with_warmup: lr * step/W during warmup, then
            /// lr * max(0, (T - step) / (T - W)).
            /// </summary>
            public static LambdaLR get_linear_schedule_with_warmup(AdamW optimizer, long num_warmup_steps, long num_training_steps) =>
                new(optimizer, step => LinearWarmupFactor(step, num_warmup_steps, num_training_steps));

            public static double LinearWarmupFactor(long step, long warmup, long total) =>
                step < warmup
                    ? (double)step / Math.Max(1, warmup)
                    : Math.Max(0.0, (double)(total - step) / Math.Max(1, total - warmup));
        }
    }
}
