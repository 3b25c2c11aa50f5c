using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using TorchSharpBert;
using static TorchSharp.torch;

// The BERT of bench/train-step on TorchSharp 0.107 (libtorch 2.10), run by bench/Orchestrator.Bench as a separate
// process (it must not share a process with our binding's libtorch 1.13). Verbs:
//   step SIZE BATCH SEQ STEPS builtin|flat   times training steps (forward, loss, backward, clip 1.0, AdamW, zero grad);
//                                            prints JSON: the fastest step, and the fastest optimizer step alone
//   logits SIZE DIR                          loads DIR/model.safetensors by name, runs DIR/inputs.safetensors in eval
//                                            mode, prints JSON: the largest difference from DIR/logits.safetensors
return args.FirstOrDefault() switch
{
    "step" => Step(args[1], Int(args[2]), Int(args[3]), Int(args[4]), args[5]),
    "logits" => Logits(args[1], args[2]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: TorchSharpBert step SIZE BATCH SEQ STEPS builtin|flat | logits SIZE DIR");
    return 2;
}

static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

static int Step(string size, int batch, int seq, int steps, string optimizerKind)
{
    var config = BertConfig.Size(size);
    manual_seed(42);
    using var model = new BertForTokenClassification(config);
    model.InitWeights();
    model.train();
    var generator = new Generator(7);
    using var inputIds = randint(1, config.Vocab, [batch, seq], generator: generator);
    using var mask = ones([batch, seq], ScalarType.Int64);
    using var labels = randint(0, config.Labels, [batch, seq], generator: generator);

    // The two AdamW variants: TorchSharp's own (torch.optim.AdamW, a loop of tensor calls per parameter), and FlatAdamW.
    var parameters = model.parameters().ToList();
    using var builtin = optimizerKind == "builtin" ? optim.AdamW(parameters, lr: 2e-5, weight_decay: 0.0) : null;
    using var flat = optimizerKind == "flat" ? new FlatAdamW(parameters, lr: 2e-5) : null;
    if (builtin is null && flat is null) throw new ArgumentException($"optimizer must be builtin or flat, not '{optimizerKind}'");

    double OneStep()
    {
        using var scope = NewDisposeScope();
        var logits = model.forward(inputIds, mask);
        var loss = model.Loss(logits, labels);
        loss.backward();
        var watch = Stopwatch.StartNew();
        if (flat is not null)
        {
            flat.ClipGradNorm(1.0);
            watch.Restart();
            flat.Step();
            var optimizerSeconds = watch.Elapsed.TotalSeconds;
            flat.ZeroGrad();
            return optimizerSeconds;
        }
        nn.utils.clip_grad_norm_(parameters, 1.0);
        watch.Restart();
        builtin!.step();
        var seconds = watch.Elapsed.TotalSeconds;
        builtin.zero_grad();
        return seconds;
    }

    OneStep(); // warm-up
    double best = double.MaxValue, bestOptimizer = double.MaxValue;
    for (int i = 0; i < steps; i++)
    {
        var watch = Stopwatch.StartNew();
        bestOptimizer = Math.Min(bestOptimizer, OneStep());
        best = Math.Min(best, watch.Elapsed.TotalSeconds); // the minimum is the least disturbed by other processes
    }
    Console.WriteLine(JsonSerializer.Serialize(new { seconds_per_step = best, adamw_seconds = bestOptimizer, threads = get_num_threads(), optimizer = optimizerKind }));
    return 0;
}

static int Logits(string size, string dir)
{
    var weights = Safetensors.Read(Path.Combine(dir, "model.safetensors"));
    var inputs = Safetensors.Read(Path.Combine(dir, "inputs.safetensors"));
    var expected = Safetensors.Read(Path.Combine(dir, "logits.safetensors"))["logits"];
    using var model = new BertForTokenClassification(BertConfig.Size(size));
    // Load by name, strictly: every parameter must be in the file and every tensor of the file must be used.
    var names = new HashSet<string>(weights.Keys);
    using (no_grad())
        foreach (var (name, p) in model.named_parameters())
        {
            if (!weights.TryGetValue(name, out var w)) throw new InvalidDataException($"model.safetensors has no '{name}'");
            p.copy_(w);
            names.Remove(name);
        }
    if (names.Count > 0) throw new InvalidDataException($"model.safetensors has tensors the model does not: {string.Join(", ", names)}");
    model.eval();
    using var noGrad = no_grad();
    using var logits = model.forward(inputs["input_ids"], inputs["attention_mask"]);
    var difference = (logits - expected).abs().max().item<float>();
    var scale = expected.abs().max().item<float>();
    Console.WriteLine(JsonSerializer.Serialize(new { max_abs_difference = difference, max_abs_logit = scale, shape = logits.shape }));
    return 0;
}
