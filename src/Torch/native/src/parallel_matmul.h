// Matrix products split across libtorch's intra-op threads.
//
// With OPENBLAS_NUM_THREADS=1 (the setting that avoids the OpenMP/OpenBLAS thread trap) every
// BLAS call runs on one core, so plain libtorch leaves the other cores idle during the GEMMs that
// dominate a transformer step. These entry points cut a product into one block of output rows per
// intra-op thread and run one single-threaded BLAS call per block, forward and backward. Products
// with few rows (a decoding step: batch x beams) are cut into blocks of output columns instead, so
// each thread reads only its slice of the weight rather than all of it. Each output element is
// still one BLAS dot product over the full inner dimension; only which call computes it changes. They fall back to at::linear / at::matmul when splitting cannot pay:
// one intra-op thread, BLAS with threads of its own, small or non-float CPU products, other devices.
#pragma once
#include <ATen/ATen.h>

namespace orc {
// torch.nn.functional.linear: x [..., in] @ w[out, in]^T + b[out].
at::Tensor parallel_linear(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& b);
// torch.matmul; the split applies to batched products whose batch dimensions match exactly.
at::Tensor parallel_matmul(const at::Tensor& a, const at::Tensor& b);
}  // namespace orc
