#!/usr/bin/python3
"""Plain-PyTorch halves of bench/run-engine.sh (same work as Orchestrator.Bench's engine suite).

usage: /usr/bin/python3 bench/engine_reference.py (op-overhead [iterations] | adamw [steps])
Prints one JSON line {"bench": ..., "seconds": ...}.
"""
import json
import sys
import time

import torch


def bert_base_shapes():
    h, ff = 768, 3072
    yield "embeddings.word_embeddings.weight", (30522, h)
    yield "embeddings.position_embeddings.weight", (512, h)
    yield "embeddings.token_type_embeddings.weight", (2, h)
    yield "embeddings.LayerNorm.weight", (h,)
    yield "embeddings.LayerNorm.bias", (h,)
    for i in range(12):
        p = f"encoder.layer.{i}."
        for m in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            yield p + m + ".weight", (h, h)
            yield p + m + ".bias", (h,)
        yield p + "attention.output.LayerNorm.weight", (h,)
        yield p + "attention.output.LayerNorm.bias", (h,)
        yield p + "intermediate.dense.weight", (ff, h)
        yield p + "intermediate.dense.bias", (ff,)
        yield p + "output.dense.weight", (h, ff)
        yield p + "output.dense.bias", (h,)
        yield p + "output.LayerNorm.weight", (h,)
        yield p + "output.LayerNorm.bias", (h,)
    yield "pooler.dense.weight", (h, h)
    yield "pooler.dense.bias", (h,)


def op_overhead(iterations):
    a, b = torch.randn(16), torch.randn(16)
    for _ in range(10_000):
        a + b
    start = time.perf_counter()
    for _ in range(iterations):
        a + b
    return time.perf_counter() - start


def adamw(steps):
    torch.manual_seed(0)
    named = [(n, torch.nn.Parameter(torch.randn(s))) for n, s in bert_base_shapes()]
    no_decay = lambda n: n.endswith("bias") or "LayerNorm.weight" in n
    groups = [{"params": [p for n, p in named if not no_decay(n)], "weight_decay": 0.01},
              {"params": [p for n, p in named if no_decay(n)], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=2e-5)  # foreach=None means the single-tensor path in 1.13
    for _, p in named:
        p.grad = torch.randn_like(p)
    opt.step()
    start = time.perf_counter()
    for _ in range(steps):
        opt.step()
    return (time.perf_counter() - start) / steps


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if which == "op-overhead":
        seconds = op_overhead(count or 100_000)
    elif which == "adamw":
        seconds = adamw(count or 5)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps({"bench": which, "seconds": seconds, "threads": torch.get_num_threads()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
