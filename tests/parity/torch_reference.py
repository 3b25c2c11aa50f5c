#!/usr/bin/python3
"""Reference values from plain PyTorch (1.13, same libtorch as the engine) for the C# parity tests.

Run:  /usr/bin/python3 tests/parity/torch_reference.py [output.json]
Writes tests/parity/expected/reference.json by default. Inputs are generated here from fixed seeds and
stored next to the outputs, so the C# side needs no matching random stream (random parity is tested
separately by the `random` section). All tensors are stored as {"shape": [...], "dtype": "...", "values": [...]}
with float32 values written as exact decimal round-trips of the float32 numbers.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def enc(t):
    t = t.detach()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()
    values = t.reshape(-1).tolist()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": values}


def ops_cases():
    g = torch.Generator().manual_seed(1234)
    a = torch.randn(3, 4, generator=g)
    b = torch.randn(3, 4, generator=g)
    pos = torch.rand(3, 4, generator=g) + 0.5
    m = torch.randn(4, 5, generator=g)
    batch1 = torch.randn(2, 3, 4, generator=g)
    batch2 = torch.randn(2, 4, 2, generator=g)
    bias = torch.randn(5, generator=g)
    w = torch.randn(5, 4, generator=g)
    lnw = torch.randn(4, generator=g)
    lnb = torch.randn(4, generator=g)
    emb = torch.randn(6, 3, generator=g)
    ids = torch.tensor([[1, 0, 5], [2, 2, 3]])
    logits = torch.randn(5, 4, generator=g)
    target = torch.tensor([1, -100, 3, 0, 2])
    mask = a > 0.3
    idx = torch.tensor([[0, 3], [1, 1], [2, 0]])
    inputs = {"a": a, "b": b, "pos": pos, "m": m, "batch1": batch1, "batch2": batch2, "bias": bias, "w": w,
              "lnw": lnw, "lnb": lnb, "emb": emb, "ids": ids, "logits": logits, "target": target,
              "mask": mask, "idx": idx}
    out = {
        "add": a + b, "sub": a - b, "mul": a * b, "div": a / pos, "add_scalar": a + 0.75, "rdiv_scalar": 2.0 / pos,
        "add_broadcast": a + bias[:4], "pow": pos.pow(2.5), "sqrt": pos.sqrt(), "exp": a.exp(), "log": pos.log(),
        "tanh": a.tanh(), "erf": a.erf(), "neg": -a, "abs": a.abs(), "clamp": a.clamp(-0.5, 0.5),
        "matmul": a @ m, "bmm": torch.bmm(batch1, batch2), "addmm": torch.addmm(bias, a, m, beta=0.5, alpha=2.0),
        "sum": a.sum(), "sum_dim1": a.sum(1), "mean": a.mean(), "mean_dim0_keep": a.mean(0, keepdim=True),
        "max_dim1_values": a.max(1).values, "max_dim1_indices": a.max(1).indices, "argmax": a.argmax(),
        "norm": a.norm(), "softmax": a.softmax(-1), "log_softmax": a.log_softmax(-1),
        "linear": F.linear(a, w, bias), "gelu": F.gelu(a), "gelu_tanh": F.gelu(a, approximate="tanh"), "relu": F.relu(a),
        "layer_norm": F.layer_norm(a, (4,), lnw, lnb, 1e-12), "embedding": F.embedding(ids, emb),
        "cross_entropy": F.cross_entropy(logits, target),
        "cross_entropy_sum": F.cross_entropy(logits, target, reduction="sum"),
        "cross_entropy_none": F.cross_entropy(logits, target, reduction="none"),
        "mse_loss": F.mse_loss(a, b), "masked_fill": a.masked_fill(mask, -1e4), "where": torch.where(mask, a, b),
        "gather": a.gather(1, idx), "index_select": a.index_select(1, torch.tensor([3, 0])),
        "cat": torch.cat([a, b], 1), "stack": torch.stack([a, b], 0), "transpose": a.t().contiguous(),
        "gt": (a > b).to(torch.float32), "eq_scalar": (ids == 2).to(torch.float32),
        "to_bf16": a.to(torch.bfloat16), "to_f16": a.to(torch.float16),
    }
    return inputs, out


def random_cases():
    torch.manual_seed(42)
    randn = torch.randn(6)
    rand = torch.rand(4)
    randint = torch.randint(0, 100, (5,))
    torch.manual_seed(0)
    lin = torch.nn.Linear(5, 3)
    emb = torch.nn.Embedding(4, 2, padding_idx=1)
    torch.manual_seed(7)
    drop = F.dropout(torch.ones(20), p=0.25, training=True)
    gen = torch.Generator().manual_seed(99)
    gen_randn = torch.randn(5, generator=gen)
    torch.manual_seed(5)
    state = torch.get_rng_state()
    return {
        "randn_seed42": randn, "rand_after": rand, "randint_after": randint,
        "linear_seed0_weight": lin.weight, "linear_seed0_bias": lin.bias, "embedding_after_weight": emb.weight,
        "dropout_seed7": drop, "generator99_randn": gen_randn,
        "rng_state_seed5_sum": torch.tensor(float(state.to(torch.int64).sum())),
        "rng_state_seed5_len": torch.tensor(float(state.numel())),
    }


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = torch.nn.Linear(4, 3)
        self.LayerNorm = torch.nn.LayerNorm(3)
        self.classifier = torch.nn.Linear(3, 2)


def adamw_case():
    torch.manual_seed(11)
    model = Tiny()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_()
    names = [n for n, _ in model.named_parameters()]
    initial = {n: p.detach().clone() for n, p in model.named_parameters()}
    no_decay = [n for n in names if n.endswith("bias") or "LayerNorm.weight" in n]
    groups = [
        {"params": [p for n, p in model.named_parameters() if n not in no_decay], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if n in no_decay], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: s / 2 if s < 2 else max(0.0, (10 - s) / (10 - 2)))
    gen = torch.Generator().manual_seed(3)
    grads, lrs = [], []
    for step in range(4):
        step_grads = {}
        for n, p in model.named_parameters():
            p.grad = torch.randn(p.shape, generator=gen)
            step_grads[n] = p.grad.clone()
        grads.append(step_grads)
        lrs.append(sched.get_last_lr())
        opt.step()
        sched.step()
    state = opt.state_dict()["state"]
    return {
        "names": names, "no_decay": no_decay,
        "initial": {n: enc(t) for n, t in initial.items()},
        "grads": [{n: enc(t) for n, t in g.items()} for g in grads],
        "lrs": lrs,
        "final": {n: enc(p) for n, p in model.named_parameters()},
        "exp_avg": {n: enc(state[i]["exp_avg"]) for i, n in enumerate(
            [n for n in names if n not in no_decay] + [n for n in names if n in no_decay])},
        "last_lr": sched.get_last_lr(),
    }


def clip_case():
    gen = torch.Generator().manual_seed(5)
    params = [torch.nn.Parameter(torch.zeros(s)) for s in [(3, 4), (4,), (2, 2)]]
    for p in params:
        p.grad = torch.randn(p.shape, generator=gen)
    before = [p.grad.clone() for p in params]
    total = torch.nn.utils.clip_grad_norm_(params, 1.0)
    small = [torch.nn.Parameter(torch.zeros(2))]
    small[0].grad = torch.tensor([0.1, 0.2])
    small_total = torch.nn.utils.clip_grad_norm_(small, 1.0)
    return {
        "grads": [enc(t) for t in before], "total_norm": float(total), "clipped": [enc(p.grad) for p in params],
        "small_total": float(small_total), "small_clipped": enc(small[0].grad),
    }


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else __file__.rsplit("/", 1)[0] + "/expected/reference.json"
    inputs, outputs = ops_cases()
    doc = {
        "torch_version": torch.__version__,
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "ops": {k: enc(v) for k, v in outputs.items()},
        "random": {k: enc(v) for k, v in random_cases().items()},
        "adamw": adamw_case(),
        "clip": clip_case(),
    }
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    import os
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
