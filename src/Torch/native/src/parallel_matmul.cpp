// See parallel_matmul.h for why products are split across the intra-op threads.
#include "parallel_matmul.h"
#include "shim.h"
#include <ATen/core/grad_mode.h>  // at::NoGradGuard, at::GradMode: 2.x no longer brings them in through the other headers
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

namespace orc {
namespace {
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Below this many multiply-adds a product takes tens of microseconds and the split costs more than it saves.
constexpr int64_t kMinMultiplyAdds = int64_t(1) << 20;

// A product with fewer rows than this is split by output columns, not rows: with few rows it is bound by reading
// b (the weight), which a row split makes every thread read whole and a column split divides between them.
constexpr int64_t kColumnSplitBelowRows = 64;

// Columns are handed out in blocks of this many, so only the last thread's slice can end in a partial BLAS panel.
constexpr int64_t kColumnBlock = 64;

// OpenBLAS with threads of its own would put its pool under each of ours; other BLAS libraries
// (MKL in PyTorch's own builds) run single-threaded inside an OpenMP parallel region by themselves.
bool splittable(std::initializer_list<const at::Tensor*> tensors) {
  for (auto* t : tensors) {
    if (!t->defined()) continue;
    if (!t->device().is_cpu() || t->is_sparse() || t->is_quantized()) return false;
    if (t->scalar_type() != at::kFloat && t->scalar_type() != at::kDouble) return false;
    if (t->scalar_type() != (*tensors.begin())->scalar_type()) return false;
  }
  return at::get_num_threads() > 1 && !at::in_parallel_region() && openblas_threads() <= 1;
}

// One chunk per intra-op thread.
int64_t grain(int64_t count) { return std::max<int64_t>(1, (count + at::get_num_threads() - 1) / at::get_num_threads()); }

// out = a @ b (+ bias), a [n, k], b [k, m], out [n, m] contiguous; blocks of rows of a and out per thread.
void mm_rows(at::Tensor& out, const at::Tensor& a, const at::Tensor& b, const at::Tensor& bias) {
  at::parallel_for(0, a.size(0), grain(a.size(0)), [&](int64_t begin, int64_t end) {
    at::NoGradGuard no_grad;  // grad mode is per thread; the pool's threads do not inherit the caller's
    auto rows = out.narrow(0, begin, end - begin);
    if (bias.defined())
      at::addmm_out(rows, bias, a.narrow(0, begin, end - begin), b);
    else
      at::mm_out(rows, a.narrow(0, begin, end - begin), b);
  });
}

// The same product with blocks of columns of b and out per thread: each thread reads all of a (few rows) and only
// its slice of b. BLAS writes straight into the column slice of out (a row-major matrix with leading dimension m),
// no copy.
void mm_columns(at::Tensor& out, const at::Tensor& a, const at::Tensor& b, const at::Tensor& bias) {
  const auto m = b.size(1);
  const auto blocks = (m + kColumnBlock - 1) / kColumnBlock;
  at::parallel_for(0, blocks, grain(blocks), [&](int64_t begin, int64_t end) {
    at::NoGradGuard no_grad;
    const auto first = begin * kColumnBlock;
    const auto count = std::min(m, end * kColumnBlock) - first;
    auto columns = out.narrow(1, first, count);
    if (bias.defined())
      at::addmm_out(columns, bias.narrow(0, first, count), a, b.narrow(1, first, count));
    else
      at::mm_out(columns, a, b.narrow(1, first, count));
  });
}

bool split_by_columns(int64_t n, int64_t m) { return n < kColumnSplitBelowRows && m >= 2 * kColumnBlock; }

void mm_split(at::Tensor& out, const at::Tensor& a, const at::Tensor& b, const at::Tensor& bias) {
  if (split_by_columns(a.size(0), b.size(1)))
    mm_columns(out, a, b, bias);
  else
    mm_rows(out, a, b, bias);
}

at::Tensor mm_split(const at::Tensor& a, const at::Tensor& b) {
  auto out = at::empty({a.size(0), b.size(1)}, a.options());
  mm_split(out, a, b, {});
  return out;
}

// The matrix at flat batch index i of a tensor whose leading dimensions are batch dimensions; select
// keeps the original strides, so permuted or transposed operands reach BLAS without a copy.
at::Tensor matrix_at(const at::Tensor& t, int64_t i) {
  auto result = t;
  const auto batch_dims = t.dim() - 2;
  int64_t divisor = 1;
  for (int64_t d = 1; d < batch_dims; ++d) divisor *= t.size(d);
  for (int64_t d = 0; d < batch_dims; ++d) {
    result = result.select(0, i / divisor);
    i %= divisor;
    if (d + 1 < batch_dims) divisor /= t.size(d + 1);
  }
  return result;
}

// out[i] = a[i] @ b[i] for every batch index i, the batch indices spread over the threads.
at::Tensor bmm_batches(const at::Tensor& a, const at::Tensor& b) {
  auto sizes = a.sizes().vec();
  sizes.back() = b.size(-1);
  auto out = at::empty(sizes, a.options());
  const auto batches = out.numel() == 0 ? 0 : out.numel() / (out.size(-2) * out.size(-1));
  at::parallel_for(0, batches, grain(batches), [&](int64_t begin, int64_t end) {
    at::NoGradGuard no_grad;
    for (int64_t i = begin; i < end; ++i) {
      auto o = matrix_at(out, i);
      at::mm_out(o, matrix_at(a, i), matrix_at(b, i));
    }
  });
  return out;
}

// y = x @ w^T (+ b). Autograd cannot take an undefined tensor as an input, hence two functions below.
at::Tensor linear_forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  ctx->save_for_backward({x, w});
  auto sizes = x.sizes().vec();
  sizes.back() = w.size(0);
  // The output owns its storage (no view of an internal buffer), so in-place ops on it behave as on at::linear's.
  auto out = at::empty(sizes, x.options());
  auto rows = out.view({-1, w.size(0)});
  mm_split(rows, x.reshape({-1, x.size(-1)}), w.t(), b);
  return out;
}

// As addmm's backward: grad_x = g @ w, grad_w = g^T @ x, grad_b = g summed over rows.
variable_list linear_backward(AutogradContext* ctx, const variable_list& grads, bool has_bias) {
  const auto saved = ctx->get_saved_variables();
  const auto& x = saved[0];
  const auto& w = saved[1];
  const auto g = grads[0].reshape({-1, w.size(0)}).contiguous();
  // backward(create_graph=true) needs gradients that are themselves differentiable: libtorch's own ops.
  const bool differentiable = at::GradMode::is_enabled();
  const auto x2 = x.reshape({-1, x.size(-1)});
  at::Tensor grad_x, grad_w, grad_b;
  if (ctx->needs_input_grad(0)) grad_x = (differentiable ? g.mm(w) : mm_split(g, w)).view(x.sizes());
  if (ctx->needs_input_grad(1)) grad_w = differentiable ? g.t().mm(x2) : mm_split(g.t(), x2);
  if (!has_bias) return {grad_x, grad_w};
  if (ctx->needs_input_grad(2)) grad_b = g.sum(0);
  return {grad_x, grad_w, grad_b};
}

struct SplitLinear : public torch::autograd::Function<SplitLinear> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    return linear_forward(ctx, x, w, b);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) { return linear_backward(ctx, grads, true); }
};

struct SplitLinearNoBias : public torch::autograd::Function<SplitLinearNoBias> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w) { return linear_forward(ctx, x, w, {}); }
  static variable_list backward(AutogradContext* ctx, variable_list grads) { return linear_backward(ctx, grads, false); }
};

struct SplitBatchedMatmul : public torch::autograd::Function<SplitBatchedMatmul> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b) {
    ctx->save_for_backward({a, b});
    return bmm_batches(a, b);
  }

  // As bmm's backward: grad_a = g @ b^T, grad_b = a^T @ g, batch by batch.
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& a = saved[0];
    const auto& b = saved[1];
    const auto& g = grads[0];
    const bool differentiable = at::GradMode::is_enabled();  // create_graph=true: libtorch's own ops
    at::Tensor grad_a, grad_b;
    if (ctx->needs_input_grad(0))
      grad_a = differentiable ? at::matmul(g, b.transpose(-1, -2)) : bmm_batches(g, b.transpose(-1, -2));
    if (ctx->needs_input_grad(1))
      grad_b = differentiable ? at::matmul(a.transpose(-1, -2), g) : bmm_batches(a.transpose(-1, -2), g);
    return {grad_a, grad_b};
  }
};
}  // namespace

at::Tensor parallel_linear(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& b) {
  const auto bias = b.value_or(at::Tensor());
  const bool fits = x.dim() >= 1 && w.dim() == 2 && x.size(-1) == w.size(1) && (!bias.defined() || bias.dim() == 1);
  const auto rows = fits && x.dim() > 1 && x.numel() > 0 ? x.numel() / x.size(-1) : 0;
  const bool divisible = rows >= 2 || (rows == 1 && split_by_columns(rows, w.size(0)));
  if (!fits || !divisible || rows * w.size(0) * w.size(1) < kMinMultiplyAdds || !splittable({&x, &w, &bias}))
    return at::linear(x, w, b);
  return bias.defined() ? SplitLinear::apply(x, w, bias) : SplitLinearNoBias::apply(x, w);
}

at::Tensor parallel_matmul(const at::Tensor& a, const at::Tensor& b) {
  const bool batched = a.dim() >= 3 && a.dim() == b.dim() && a.sizes().slice(0, a.dim() - 2) == b.sizes().slice(0, b.dim() - 2) &&
                       a.size(-1) == b.size(-2);
  if (!batched || a.numel() == 0 || b.numel() == 0) return at::matmul(a, b);
  const auto batches = a.numel() / (a.size(-2) * a.size(-1));
  if (batches < 2 || batches * a.size(-2) * a.size(-1) * b.size(-1) < kMinMultiplyAdds || !splittable({&a, &b}))
    return at::matmul(a, b);
  return SplitBatchedMatmul::apply(a, b);
}
}  // namespace orc
