using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Torch;
using static Orchestrator.Torch.torch;
using F = Orchestrator.Torch.torch.nn.functional;

namespace Orchestrator.Torch.Tests;

/// <summary>Compares the engine with values computed by plain PyTorch (tests/parity/torch_reference.py).</summary>
public class ParityTests
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, Tensor>, Tensor>> Ops = new()
    {
        ["add"] = x => x["a"] + x["b"],
        ["sub"] = x => x["a"] - x["b"],
        ["mul"] = x => x["a"] * x["b"],
        ["div"] = x => x["a"] / x["pos"],
        ["add_scalar"] = x => x["a"] + 0.75,
        ["rdiv_scalar"] = x => 2.0 / x["pos"],
        ["add_broadcast"] = x => x["a"] + x["bias"].narrow(0, 0, 4),
        ["pow"] = x => x["pos"].pow(2.5),
        ["sqrt"] = x => x["pos"].sqrt(),
        ["exp"] = x => x["a"].exp(),
        ["log"] = x => x["pos"].log(),
        ["tanh"] = x => x["a"].tanh(),
        ["erf"] = x => x["a"].erf(),
        ["neg"] = x => -x["a"],
        ["abs"] = x => x["a"].abs(),
        ["clamp"] = x => x["a"].clamp(-0.5, 0.5),
        ["matmul"] = x => x["a"].matmul(x["m"]),
        ["bmm"] = x => bmm(x["batch1"], x["batch2"]),
        ["addmm"] = x => addmm(x["bias"], x["a"], x["m"], beta: 0.5, alpha: 2.0),
        ["sum"] = x => x["a"].sum(),
        ["sum_dim1"] = x => x["a"].sum(1),
        ["mean"] = x => x["a"].mean(),
        ["mean_dim0_keep"] = x => x["a"].mean(0, keepdim: true),
        ["max_dim1_values"] = x => x["a"].max(1).values,
        ["max_dim1_indices"] = x => x["a"].max(1).indexes,
        ["argmax"] = x => x["a"].argmax(),
        ["norm"] = x => x["a"].norm(),
        ["softmax"] = x => x["a"].softmax(-1),
        ["log_softmax"] = x => x["a"].log_softmax(-1),
        ["linear"] = x => F.linear(x["a"], x["w"], x["bias"]),
        ["gelu"] = x => F.gelu(x["a"]),
        ["gelu_tanh"] = x => F.gelu(x["a"], "tanh"),
        ["relu"] = x => F.relu(x["a"]),
        ["layer_norm"] = x => F.layer_norm(x["a"], [4], x["lnw"], x["lnb"], 1e-12),
        ["embedding"] = x => F.embedding(x["ids"], x["emb"]),
        ["cross_entropy"] = x => F.cross_entropy(x["logits"], x["target"]),
        ["cross_entropy_sum"] = x => F.cross_entropy(x["logits"], x["target"], reduction: nn.Reduction.Sum),
        ["cross_entropy_none"] = x => F.cross_entropy(x["logits"], x["target"], reduction: nn.Reduction.None),
        ["mse_loss"] = x => F.mse_loss(x["a"], x["b"]),
        ["masked_fill"] = x => x["a"].masked_fill(x["mask"], -1e4),
        ["where"] = x => where(x["mask"], x["a"], x["b"]),
        ["gather"] = x => x["a"].gather(1, x["idx"]),
        ["index_select"] = x => x["a"].index_select(1, tensor(new long[] { 3, 0 })),
        ["cat"] = x => cat([x["a"], x["b"]], 1),
        ["stack"] = x => stack([x["a"], x["b"]], 0),
        ["transpose"] = x => x["a"].t().contiguous(),
        ["gt"] = x => (x["a"] > x["b"]).to(ScalarType.Float32),
        ["eq_scalar"] = x => x["ids"].eq(2).to(ScalarType.Float32),
        ["to_bf16"] = x => x["a"].to(ScalarType.BFloat16).to(ScalarType.Float32),
        ["to_f16"] = x => x["a"].to(ScalarType.Float16).to(ScalarType.Float32),
    };

    [Fact]
    public void EveryReferenceOpMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        var root = ParityReference.Root;
        var inputs = ParityReference.Tensors(root.GetProperty("inputs"));
        var expected = root.GetProperty("ops").EnumerateObject().ToList();
        Assert.Equal(expected.Select(e => e.Name).Order(), Ops.Keys.Order());
        foreach (var op in expected)
            ParityReference.AssertClose(ParityReference.Tensor(op.Value), Ops[op.Name](inputs), op.Name);
    }

    [Fact]
    public void SeededRandomStreamsAndInitialisationMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        var r = ParityReference.Tensors(ParityReference.Root.GetProperty("random"));
        manual_seed(42);
        Assert.Equal(r["randn_seed42"].data<float>(), randn([6]).data<float>());
        Assert.Equal(r["rand_after"].data<float>(), rand([4]).data<float>());
        Assert.Equal(r["randint_after"].data<long>(), randint(0, 100, [5]).data<long>());
        manual_seed(0);
        using var linear = new nn.Linear(5, 3);
        using var embedding = new nn.Embedding(4, 2, padding_idx: 1);
        Assert.Equal(r["linear_seed0_weight"].data<float>(), linear.weight.data<float>());
        Assert.Equal(r["linear_seed0_bias"].data<float>(), linear.bias!.data<float>());
        Assert.Equal(r["embedding_after_weight"].data<float>(), embedding.weight.data<float>());
        manual_seed(7);
        Assert.Equal(r["dropout_seed7"].data<float>(), F.dropout(ones([20]), 0.25, training: true).data<float>());
        using var generator = new Generator(99);
        Assert.Equal(r["generator99_randn"].data<float>(), randn([5], generator).data<float>());
        manual_seed(5);
        var state = get_rng_state();
        Assert.Equal(r["rng_state_seed5_len"].item<float>(), state.Length);
        Assert.Equal(r["rng_state_seed5_sum"].item<float>(), state.Sum(b => (long)b));
    }

    private sealed class Tiny : nn.Module
    {
        public Tiny()
        {
            register_module("dense", new nn.Linear(4, 3));
            register_module("LayerNorm", new nn.LayerNorm(3));
            register_module("classifier", new nn.Linear(3, 2));
        }
    }

    [Fact]
    public void AdamWWithWeightDecayGroupsAndWarmupScheduleMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        var c = ParityReference.Root.GetProperty("adamw");
        using var model = new Tiny();
        model.load_state_dict(ParityReference.Tensors(c.GetProperty("initial")));
        var groups = optim.WeightDecayGroups(model.named_parameters(), 0.01);
        Assert.Equal(c.GetProperty("no_decay").EnumerateArray().Select(e => e.GetString()), groups[1].parameters.Select(p => p.name));
        using var optimizer = new optim.AdamW(groups, lr: 1e-3, betas: (0.9, 0.999), eps: 1e-8);
        var scheduler = optim.lr_scheduler.get_linear_schedule_with_warmup(optimizer, 2, 10);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var lrs = c.GetProperty("lrs").EnumerateArray().ToList();
        var step = 0;
        foreach (var stepGrads in c.GetProperty("grads").EnumerateArray())
        {
            foreach (var (name, grad) in ParityReference.Tensors(stepGrads)) parameters[name].grad!.copy_(grad);
            Assert.Equal(lrs[step++].EnumerateArray().Select(e => e.GetDouble()), scheduler.get_last_lr());
            optimizer.step();
            scheduler.step();
        }
        foreach (var (name, expected) in ParityReference.Tensors(c.GetProperty("final")))
            ParityReference.AssertClose(expected, parameters[name], name);
        foreach (var (name, expected) in ParityReference.Tensors(c.GetProperty("exp_avg")))
        {
            var entry = optimizer.Flat.Entries.Single(e => e.name == name);
            ParityReference.AssertClose(expected, optimizer.ExpAvg.narrow(0, entry.offset, entry.numel).view(entry.shape), "exp_avg " + name);
        }
        Assert.Equal(c.GetProperty("last_lr").EnumerateArray().Select(e => e.GetDouble()), scheduler.get_last_lr());
    }

    [Fact]
    public void ClipGradNormMatchesPyTorchPerTensorAndFlat()
    {
        using var scope = NewDisposeScope();
        var c = ParityReference.Root.GetProperty("clip");
        var grads = c.GetProperty("grads").EnumerateArray().Select(ParityReference.Tensor).ToList();
        var clipped = c.GetProperty("clipped").EnumerateArray().Select(ParityReference.Tensor).ToList();
        var expectedTotal = c.GetProperty("total_norm").GetDouble();

        var loose = grads.Select(g => new nn.Parameter(zeros_like(g))).ToList();
        for (var i = 0; i < grads.Count; i++) loose[i].grad = grads[i].clone();
        Assert.Equal(expectedTotal, nn.utils.clip_grad_norm_(loose, 1.0), 6);
        for (var i = 0; i < grads.Count; i++) ParityReference.AssertClose(clipped[i], loose[i].grad!, $"clipped[{i}]");

        using var flat = new optim.FlatParameters(grads.Select((g, i) => ($"p{i}", new nn.Parameter(zeros_like(g)))).ToList());
        for (var i = 0; i < grads.Count; i++) flat.Entries[i].parameter.grad!.copy_(grads[i]);
        Assert.Equal(expectedTotal, flat.clip_grad_norm_(1.0), 6);
        for (var i = 0; i < grads.Count; i++) ParityReference.AssertClose(clipped[i], flat.Entries[i].parameter.grad!, $"flat clipped[{i}]");

        var small = new nn.Parameter(zeros([2]));
        small.grad = tensor(new float[] { 0.1f, 0.2f });
        Assert.Equal(c.GetProperty("small_total").GetDouble(), nn.utils.clip_grad_norm_([small], 1.0), 6);
        ParityReference.AssertClose(ParityReference.Tensor(c.GetProperty("small_clipped")), small.grad!, "small clipped");
        foreach (var p in loose.Append(small)) p.Dispose();
        foreach (var e in flat.Entries) e.parameter.Dispose();
    }

    /// <summary>
    /// The same JSON, numbers within the parity tolerance. Equal bit for bit with the PyTorch the file was made with
    /// (1.13); another version (2.6 in deploy/images/test-libtorch2.sh) computes some ops in a different order, and a
    /// stale file differs in its structure or by far more.
    /// </summary>
    private static bool SameValues(JsonElement expected, JsonElement actual)
    {
        if (expected.ValueKind != actual.ValueKind) return false;
        switch (expected.ValueKind)
        {
            case JsonValueKind.Number:
                var (e, a) = (expected.GetDouble(), actual.GetDouble());
                return e == a || Math.Abs(e - a) <= 1e-6 + 1e-5 * Math.Abs(e);
            case JsonValueKind.Array:
                return expected.GetArrayLength() == actual.GetArrayLength()
                       && expected.EnumerateArray().Zip(actual.EnumerateArray()).All(p => SameValues(p.First, p.Second));
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).ToList();
                return names.SequenceEqual(actual.EnumerateObject().Select(p => p.Name))
                       && names.All(n => SameValues(expected.GetProperty(n), actual.GetProperty(n)));
            default:
                return JsonElement.DeepEquals(expected, actual);
        }
    }

    [Fact]
    public void CommittedReferenceValuesAreWhatPyTorchComputesNow()
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} with PyTorch (Debian python3-torch) is required to regenerate the parity reference");
        var output = Path.Combine(Path.GetTempPath(), $"orc-parity-{Guid.NewGuid():N}.json");
        try
        {
            var start = new ProcessStartInfo(python, [ParityReference.ScriptPath, output]) { RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"torch_reference.py failed: {stderr}");
            using var fresh = JsonDocument.Parse(File.ReadAllText(output));
            foreach (var section in new[] { "inputs", "ops", "random", "adamw", "clip" })
                Assert.True(SameValues(ParityReference.Root.GetProperty(section), fresh.RootElement.GetProperty(section)),
                    $"section '{section}' of {ParityReference.ExpectedPath} is stale: rerun tests/parity/torch_reference.py");
        }
        finally
        {
            File.Delete(output);
        }
    }
}
