// Optimiser kernels over flat parameter buffers: a few large ops instead of one per parameter.
#include "shim.h"
#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <vector>

// One torch.optim.AdamW step (PyTorch 1.13, single-tensor path, amsgrad=False, maximize=False) over
// one contiguous 1-D segment whose parameters share lr and weight_decay; `step` is the new step count.
// The same ATen ops as PyTorch run chunk by chunk (1M elements: the five 4 MiB slices fit in L3), so
// each chunk stays in cache through all the ops
// instead of streaming the whole buffer through memory once per op; each op still uses the intra-op
// threads. (Giving each thread whole chunks with one parallel_for was slower on a busy machine: one
// long parallel region suffers most from OpenMP spin-waiting when a core is taken by another process.)
namespace {
void adamw_step(at::Tensor& param, const at::Tensor& grad, at::Tensor& exp_avg, at::Tensor& exp_avg_sq, int64_t step,
                double lr, double beta1, double beta2, double eps, double weight_decay) {
  TORCH_CHECK(param.dim() == 1 && grad.dim() == 1 && exp_avg.dim() == 1 && exp_avg_sq.dim() == 1,
              "adamw_step works on flat (1-D) buffers");
  TORCH_CHECK(grad.numel() == param.numel() && exp_avg.numel() == param.numel() && exp_avg_sq.numel() == param.numel(),
              "adamw_step: parameter, gradient and state buffers differ in length");
  const double bias_correction1 = 1 - std::pow(beta1, (double)step);
  const double bias_correction2 = 1 - std::pow(beta2, (double)step);
  const double step_size = lr / bias_correction1;
  const double bias_correction2_sqrt = std::sqrt(bias_correction2);
  constexpr int64_t chunk = 1 << 20;
  const int64_t n = param.numel();
  at::NoGradGuard no_grad;
  auto denom_buffer = at::empty({std::min(chunk, n)}, param.options());
  for (int64_t offset = 0; offset < n; offset += chunk) {
    const int64_t length = std::min(chunk, n - offset);
    auto p = param.narrow(0, offset, length);
    auto g = grad.narrow(0, offset, length);
    auto m = exp_avg.narrow(0, offset, length);
    auto v = exp_avg_sq.narrow(0, offset, length);
    auto denom = denom_buffer.narrow(0, 0, length);
    p.mul_(1 - lr * weight_decay);
    m.mul_(beta1).add_(g, 1 - beta1);
    v.mul_(beta2).addcmul_(g, g, 1 - beta2);
    at::sqrt_out(denom, v).div_(bias_correction2_sqrt).add_(eps);
    p.addcdiv_(m, denom, -step_size);
  }
}
}  // namespace

ORC_VOID_FN(adamw_step, (TensorHandle param, TensorHandle grad, TensorHandle exp_avg, TensorHandle exp_avg_sq,
                         int64_t step, double lr, double beta1, double beta2, double eps, double weight_decay),
            adamw_step(*param, *grad, *exp_avg, *exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay))

// torch.nn.utils.clip_grad_norm_ (2-norm) over one flat gradient buffer; returns the total norm.
ORC_API double orc_clip_grad_norm_flat(TensorHandle grad, double max_norm) {
  ORC_TRY
  at::NoGradGuard no_grad;
  auto total = at::norm(*grad, 2);
  auto coef = at::clamp(max_norm / (total + 1e-6), c10::nullopt, 1.0);
  grad->mul_(coef);
  return total.item<double>();
  ORC_CATCH(0)
}

// Per-tensor form, identical to PyTorch 1.13: norm of the per-tensor norms, one shared coefficient.
ORC_API double orc_clip_grad_norm(const TensorHandle* grads, int64_t n, double max_norm) {
  ORC_TRY
  at::NoGradGuard no_grad;
  if (n == 0) return 0.0;
  std::vector<at::Tensor> norms;
  norms.reserve(n);
  for (int64_t i = 0; i < n; ++i) norms.push_back(at::norm(*grads[i], 2));
  auto total = at::norm(at::stack(norms), 2);
  auto coef = at::clamp(max_norm / (total + 1e-6), c10::nullopt, 1.0);
  for (int64_t i = 0; i < n; ++i) grads[i]->mul_(coef);
  return total.item<double>();
  ORC_CATCH(0)
}
