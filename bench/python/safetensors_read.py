#!/usr/bin/env python3
"""Plain-PyTorch baseline for the safetensors read benchmark (no torch.load, no safetensors package).

Reads every tensor of a safetensors file the straightforward way: parse the header with struct + json,
then per tensor readinto() a bytearray and wrap it with torch.frombuffer (one copy, like ours).
Prints one JSON line: {"impl": "python", "seconds": [...], "cpu_seconds": [...], "baseline_rss_mb": x, "peak_rss_mb": y}.
"""
import json
import struct
import sys
import time

import torch

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "BOOL": torch.bool}


def status_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def read_all(path):
    tensors = {}
    with open(path, "rb", buffering=0) as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        header.pop("__metadata__", None)
        start = 8 + n
        for name, info in header.items():
            begin, end = info["data_offsets"]
            buf = bytearray(end - begin)
            f.seek(start + begin)
            f.readinto(buf)
            t = torch.frombuffer(buf, dtype=DTYPES[info["dtype"]]) if buf else torch.empty(0, dtype=DTYPES[info["dtype"]])
            tensors[name] = t.reshape(info["shape"])
    return tensors


def main():
    path, repeat = sys.argv[1], int(sys.argv[2])
    torch.zeros(1)
    baseline = status_mb("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current RSS
    seconds, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        tensors = read_all(path)
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        del tensors
    print(json.dumps({"impl": "python", "seconds": seconds, "cpu_seconds": cpu,
                      "baseline_rss_mb": baseline, "peak_rss_mb": status_mb("VmHWM")}))


if __name__ == "__main__":
    main()
