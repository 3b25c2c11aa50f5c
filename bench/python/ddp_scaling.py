#!/usr/bin/python3
"""The peer of bench/run-cluster.sh's figure 2: PyTorch DistributedDataParallel (Gloo, loopback) on the same machine.

usage: /usr/bin/python3 bench/python/ddp_scaling.py BATCH SEQ STEPS [VOCAB]
Trains bert-mini token classification (the parity tests' plain-PyTorch BERT, tests/parity/bert_reference.py) with one
process, then with two DDP processes, each on one thread and with BATCH x SEQ per process per step, and prints one
JSON line: samples/s of each and their ratio. VOCAB defaults to our bundled vocabulary's size (808), so the gradient
that DDP sums has the size of the one our workers sum.
"""
import json
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "parity"))
import bert_reference as ref  # noqa: E402


def train(rank, world, batch, seq, steps, vocab, port, results):
    torch.set_num_threads(1)
    model = ref.sized_token_model("bert", "mini", vocab_size=vocab)
    model.train()
    if world > 1:
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
        model = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-5, weight_decay=0.01)
    g = torch.Generator().manual_seed(7 + rank)
    input_ids = torch.randint(1, vocab, (batch, seq), generator=g)
    attention_mask = torch.ones(batch, seq, dtype=torch.int64)
    labels = torch.randint(0, 9, (batch, seq), generator=g)

    def one():
        _, loss = model(input_ids, attention_mask, None, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for _ in range(10):
        one()   # warm-up
    if world > 1:
        dist.barrier()
    start = time.perf_counter()
    for _ in range(steps):
        one()
    elapsed = time.perf_counter() - start
    results[rank] = batch * steps * world / elapsed
    if world > 1:
        dist.destroy_process_group()


def samples_per_second(world, batch, seq, steps, vocab):
    port = 29000 + os.getpid() % 1000
    with mp.Manager() as manager:
        results = manager.dict()
        mp.spawn(train, args=(world, batch, seq, steps, vocab, port, results), nprocs=world, join=True)
        return min(results.values())


def main():
    batch, seq, steps = (int(a) for a in sys.argv[1:4])
    vocab = int(sys.argv[4]) if len(sys.argv) > 4 else 808
    one = samples_per_second(1, batch, seq, steps, vocab)
    two = samples_per_second(2, batch, seq, steps, vocab)
    print(json.dumps({"one": round(one, 1), "two": round(two, 1), "ratio": round(two / one, 3)}))


if __name__ == "__main__":
    main()
