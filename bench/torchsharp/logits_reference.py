#!/usr/bin/python3
"""Writes a randomly initialised BERT for token classification (tests/parity/bert_reference.py, PyTorch 1.13), an
input batch with padding, and PyTorch's eval-mode logits, for TorchSharpBert's `logits` check.

  logits_reference.py SIZE OUT_DIR     writes OUT_DIR/model.safetensors, inputs.safetensors, logits.safetensors
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "parity"))
import bert_reference as ref  # noqa: E402
import safetensors_reference as st  # noqa: E402


def main(size, out):
    model = ref.sized_token_model("bert", size, seed=3)
    model.eval()
    g = torch.Generator().manual_seed(11)
    input_ids = torch.randint(1, 30522, (4, 48), generator=g)
    attention_mask = torch.ones(4, 48, dtype=torch.int64)
    attention_mask[1, 30:] = 0  # padded rows: the mask path is compared too
    attention_mask[3, 7:] = 0
    input_ids[attention_mask == 0] = 0
    with torch.no_grad():
        logits, _ = model(input_ids, attention_mask)
    os.makedirs(out, exist_ok=True)
    st.write(os.path.join(out, "model.safetensors"), {k: v.contiguous() for k, v in model.state_dict().items()}, {"format": "pt"})
    st.write(os.path.join(out, "inputs.safetensors"), {"input_ids": input_ids, "attention_mask": attention_mask}, {"format": "pt"})
    st.write(os.path.join(out, "logits.safetensors"), {"logits": logits}, {"format": "pt"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
