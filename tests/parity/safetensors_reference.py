#!/usr/bin/env python3
"""Independent safetensors reader/writer (struct + json + torch.frombuffer) for parity tests.

The `safetensors` package is not installed here, so this re-implements the format from its
specification, sharing no code with Orchestrator's C# implementation:

  write PATH   writes a fixed set of tensors (every dtype, scalars, empty tensors) to PATH and
               prints the in-memory tensors' description as JSON
  read PATH    reads PATH and prints the loaded tensors' description as JSON

A description is {"metadata": {...}, "tensors": {name: {"dtype": "torch.float32", "shape": [...],
"hex": "<little-endian element bytes>"}}}: equal descriptions mean identical tensors and dtypes.
"""
import json
import struct
import sys

import torch

TO_TORCH = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}
FROM_TORCH = {v: k for k, v in TO_TORCH.items()}
MAX_HEADER = 100_000_000


def raw_bytes(t):
    flat = t.detach().contiguous().reshape(-1)
    if flat.numel() == 0:
        return b""
    return flat.view(torch.uint8).numpy().tobytes()


def describe(tensors, metadata):
    return {
        "metadata": metadata,
        "tensors": {
            name: {"dtype": str(t.dtype), "shape": list(t.shape), "hex": raw_bytes(t).hex()}
            for name, t in tensors.items()
        },
    }


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER or 8 + n > len(data):
        raise ValueError(f"bad header length {n}")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    buffer = memoryview(data)[8 + n:]
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        begin, stop = info["data_offsets"]
        if begin != end:
            raise ValueError(f"{name}: offsets do not tile the buffer")
        dtype = TO_TORCH[info["dtype"]]
        shape = info["shape"]
        count = 1
        for d in shape:
            count *= d
        if (stop - begin) != count * torch.empty((), dtype=dtype).element_size():
            raise ValueError(f"{name}: span does not match shape")
        if count == 0:
            t = torch.empty(shape, dtype=dtype)
        else:
            t = torch.frombuffer(bytearray(buffer[begin:stop]), dtype=dtype).reshape(shape)
        tensors[name] = t
        end = stop
    if end != len(buffer):
        raise ValueError("tensors do not cover the buffer")
    return tensors, metadata


def write(path, tensors, metadata):
    # Reference layout: widest dtype first, then name; header padded with spaces to 8 bytes.
    order = ["BOOL", "U8", "I8", "I16", "F16", "BF16", "I32", "F32", "F64", "I64"]
    items = sorted(tensors.items(), key=lambda kv: (-order.index(FROM_TORCH[kv[1].dtype]), kv[0].encode("utf-8")))
    header, offset = {"__metadata__": metadata}, 0
    for name, t in items:
        size = len(raw_bytes(t))
        header[name] = {"dtype": FROM_TORCH[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for _, t in items:
            f.write(raw_bytes(t))


def sample_tensors():
    g = torch.Generator().manual_seed(1234)
    return {
        "encoder.layer.0.weight": torch.randn(3, 5, generator=g),
        "half": torch.randn(4, 2, generator=g).to(torch.float16),
        "brain": torch.randn(2, 3, 2, generator=g).to(torch.bfloat16),
        "double": torch.randn(3, generator=g, dtype=torch.float64),
        "ids": torch.arange(-3, 9, dtype=torch.int64).reshape(3, 4),
        "int32": torch.tensor([2**31 - 1, -2**31, 0, 7], dtype=torch.int32),
        "mask": torch.tensor([[True, False, True], [False, False, True]]),
        "scalar": torch.tensor(2.5),
        "scalar_long": torch.tensor(-42, dtype=torch.int64),
        "empty": torch.empty(0, 4),
        "empty_bool": torch.empty(2, 0, dtype=torch.bool),
        "ünïcode.名前": torch.tensor([1.0, -0.0, float("inf")], dtype=torch.float16),
    }


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "write":
        tensors, metadata = sample_tensors(), {"format": "pt", "writer": "python-reference"}
        write(path, tensors, metadata)
    elif command == "read":
        tensors, metadata = read(path)
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump(describe(tensors, metadata), sys.stdout)


if __name__ == "__main__":
    main()
