#!/usr/bin/env python3
"""The sentencepiece side of bench/run-t5-tokenizer.sh.

    /usr/bin/python3 bench/t5-tokenizer/bench_sentencepiece.py prepare DIR LINES
    /usr/bin/python3 bench/t5-tokenizer/bench_sentencepiece.py run DIR REPEATS

`prepare` writes DIR/corpus.txt (LINES synthetic multilingual lines, from the parity test's generator) and
trains DIR/spiece.model with spm_train (Unigram, nmt_nfkc, T5's pad 0 / eos 1 / unk 2, no BOS).
`run` encodes every line with the sentencepiece library (python3-sentencepiece), line by line on one core
and as one batch call on all cores, keeps the best of REPEATS, writes the ids to DIR/sentencepiece-ids.txt
(one line of space-separated ids per corpus line) and prints a JSON summary.
"""
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "parity"))
import sentencepiece_reference as corpus  # noqa: E402
import sentencepiece as spm  # noqa: E402


def prepare(out_dir, lines):
    os.makedirs(out_dir, exist_ok=True)
    train_path = os.path.join(out_dir, "train.txt")
    with open(train_path, "w", encoding="utf-8") as f:
        f.write("\n".join(corpus.training_corpus()) + "\n")
    subprocess.run(["spm_train", f"--input={train_path}", f"--model_prefix={os.path.join(out_dir, 'spiece')}",
                    "--model_type=unigram", "--vocab_size=2000", "--hard_vocab_limit=false",
                    "--normalization_rule_name=nmt_nfkc", "--pad_id=0", "--eos_id=1", "--unk_id=2", "--bos_id=-1",
                    "--character_coverage=0.995", "--minloglevel=2", "--num_threads=2"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rng = random.Random(2026)
    with open(os.path.join(out_dir, "corpus.txt"), "w", encoding="utf-8") as f:
        for _ in range(lines):
            f.write(corpus.sentence(rng, rng.randint(5, 40)).replace("\n", " ") + "\n")


def run(out_dir, repeats):
    sp = spm.SentencePieceProcessor(model_file=os.path.join(out_dir, "spiece.model"))
    with open(os.path.join(out_dir, "corpus.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")[:-1]
    ids = [sp.encode(line) for line in lines]  # warm-up
    single, single_cpu, batch = [], [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        for line in lines:
            sp.encode(line)
        single.append(time.perf_counter() - wall)
        single_cpu.append(time.process_time() - cpu)
        wall = time.perf_counter()
        sp.encode(lines, num_threads=os.cpu_count())
        batch.append(time.perf_counter() - wall)
    with open(os.path.join(out_dir, "sentencepiece-ids.txt"), "w") as f:
        for row in ids:
            f.write(" ".join(map(str, row)) + "\n")
    print(json.dumps({
        "lines": len(lines),
        "bytes": sum(len(line.encode("utf-8")) for line in lines),
        "tokens": sum(len(row) for row in ids),
        "pieces": sp.get_piece_size(),
        "version": spm.__version__,
        "single_lps": len(lines) / min(single),
        "single_cpu_lps": len(lines) / min(single_cpu),
        "all_lps": len(lines) / min(batch),
    }))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]))
    else:
        run(sys.argv[2], int(sys.argv[3]))
