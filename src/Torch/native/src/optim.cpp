// Optimiser kernels over flat parameter buffers: a few large ops instead of one per parameter.
#include "shim.h"
#include <ATen/core/grad_mode.h>  // at::NoGradGuard, at::GradMode: 2.x no longer brings them in through the other headers
#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <vector>

// One torch.optim.AdamW step (PyTorch 1.13, single-tensor path, amsgrad=False, maximize=False) over
// one contiguous 1-D float32 segment whose parameters share lr and weight_decay; `step` is the new
// step count. PyTorch runs five tensor ops per parameter, each streaming the tensors through memory
// once; here one fused pass reads parameter, gradient and both moments once and writes them once,
// split across the intra-op threads. The arithmetic is PyTorch's, op by op, in float32 with the same
// float scalars (ATen casts double scalars to the tensor's type), so results agree to rounding.
namespace {
struct AdamWConstants {
  float decay, b1, one_minus_b1, b2, one_minus_b2, bc2_sqrt, epsilon, neg_step_size;
};

// The element loop, compiled once per instruction set and picked at load time: sqrt and division dominate,
// and only the vector forms of those keep the step at memory speed. Every operation is IEEE-rounded and
// nothing is contracted into FMAs (-ffp-contract=off), so all clones give the same bits.
__attribute__((target_clones("avx512f", "avx2", "default"))) void adamw_range(const AdamWConstants& k, float* __restrict__ p,
                                                                               const float* __restrict__ g, float* __restrict__ m,
                                                                               float* __restrict__ v, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const float gi = g[i];
    const float pi = p[i] * k.decay;                                // param.mul_(1 - lr * wd)
    const float mi = m[i] * k.b1 + k.one_minus_b1 * gi;             // exp_avg.mul_(b1).add_(g, 1 - b1)
    const float vi = v[i] * k.b2 + k.one_minus_b2 * gi * gi;        // exp_avg_sq.mul_(b2).addcmul_(g, g, 1 - b2)
    const float denom = std::sqrt(vi) / k.bc2_sqrt + k.epsilon;     // (sqrt(v) / sqrt(bc2)).add_(eps)
    p[i] = pi + k.neg_step_size * (mi / denom);                     // param.addcdiv_(m, denom, -step_size)
    m[i] = mi;
    v[i] = vi;
  }
}

void adamw_step(at::Tensor& param, const at::Tensor& grad, at::Tensor& exp_avg, at::Tensor& exp_avg_sq, int64_t step,
                double lr, double beta1, double beta2, double eps, double weight_decay) {
  TORCH_CHECK(param.dim() == 1 && grad.dim() == 1 && exp_avg.dim() == 1 && exp_avg_sq.dim() == 1,
              "adamw_step works on flat (1-D) buffers");
  TORCH_CHECK(grad.numel() == param.numel() && exp_avg.numel() == param.numel() && exp_avg_sq.numel() == param.numel(),
              "adamw_step: parameter, gradient and state buffers differ in length");
  TORCH_CHECK(param.scalar_type() == at::kFloat && grad.scalar_type() == at::kFloat && exp_avg.scalar_type() == at::kFloat &&
                  exp_avg_sq.scalar_type() == at::kFloat,
              "adamw_step: flat buffers must be float32");
  TORCH_CHECK(param.is_contiguous() && grad.is_contiguous() && exp_avg.is_contiguous() && exp_avg_sq.is_contiguous(),
              "adamw_step: flat buffers must be contiguous");
  TORCH_CHECK(param.device().is_cpu(), "adamw_step: the fused kernel runs on CPU buffers");
  const double bias_correction1 = 1 - std::pow(beta1, (double)step);
  const double bias_correction2 = 1 - std::pow(beta2, (double)step);
  const float decay = static_cast<float>(1 - lr * weight_decay);
  const float b1 = static_cast<float>(beta1), one_minus_b1 = static_cast<float>(1 - beta1);
  const float b2 = static_cast<float>(beta2), one_minus_b2 = static_cast<float>(1 - beta2);
  const float bc2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  const float epsilon = static_cast<float>(eps);
  const float neg_step_size = static_cast<float>(-(lr / bias_correction1));
  float* p = param.data_ptr<float>();
  const float* g = grad.data_ptr<float>();
  float* m = exp_avg.data_ptr<float>();
  float* v = exp_avg_sq.data_ptr<float>();
  const AdamWConstants k{decay, b1, one_minus_b1, b2, one_minus_b2, bc2_sqrt, epsilon, neg_step_size};
  at::parallel_for(0, param.numel(), 1 << 16, [&](int64_t begin, int64_t end) { adamw_range(k, p, g, m, v, begin, end); });
}
}  // namespace

ORC_VOID_FN(adamw_step, (TensorHandle param, TensorHandle grad, TensorHandle exp_avg, TensorHandle exp_avg_sq,
                         int64_t step, double lr, double beta1, double beta2, double eps, double weight_decay),
            adamw_step(*param, *grad, *exp_avg, *exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay))

// PyTorch always multiplies by the clamped coefficient; when it is exactly 1 that pass changes no bit
// (x * 1.0f == x for every float), so it is skipped: one full pass over the gradients saved
// on every step whose norm is within bounds.
namespace {
bool is_exactly_one(const at::Tensor& coef) { return coef.item<double>() == 1.0; }

// clip_grad_norm_'s coefficient: max_norm / (total + 1e-6), at most 1.
at::Tensor clip_coef(const at::Tensor& total, double max_norm) { return at::clamp(max_norm / (total + 1e-6), c10::nullopt, 1.0); }
}  // namespace

// torch.nn.utils.clip_grad_norm_ (2-norm) over one flat gradient buffer; returns the total norm.
ORC_API double orc_clip_grad_norm_flat(TensorHandle grad, double max_norm) {
  ORC_TRY
  at::NoGradGuard no_grad;
  auto total = at::norm(*grad, 2);
  const auto coef = clip_coef(total, max_norm);
  if (!is_exactly_one(coef)) grad->mul_(coef);
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
  const auto coef = clip_coef(total, max_norm);
  if (!is_exactly_one(coef))
    for (int64_t i = 0; i < n; ++i) grads[i]->mul_(coef);
  return total.item<double>();
  ORC_CATCH(0)
}
