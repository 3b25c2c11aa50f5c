// Optimiser kernels over flat parameter buffers: a few large ops instead of one per parameter.
#include "shim.h"

// One torch.optim.AdamW step (PyTorch 1.13, single-tensor path, amsgrad=False, maximize=False) over
// one contiguous segment whose parameters share lr and weight_decay. `step` is the new step count.
ORC_VOID_FN(adamw_step, (TensorHandle param, TensorHandle grad, TensorHandle exp_avg, TensorHandle exp_avg_sq,
                         int64_t step, double lr, double beta1, double beta2, double eps, double weight_decay), {
  at::NoGradGuard no_grad;
  if (weight_decay != 0) param->mul_(1 - lr * weight_decay);
  exp_avg->mul_(beta1).add_(*grad, 1 - beta1);
  exp_avg_sq->mul_(beta2).addcmul_(*grad, *grad, 1 - beta2);
  double bias_correction1 = 1 - std::pow(beta1, (double)step);
  double bias_correction2 = 1 - std::pow(beta2, (double)step);
  double step_size = lr / bias_correction1;
  double bias_correction2_sqrt = std::sqrt(bias_correction2);
  auto denom = (exp_avg_sq->sqrt() / bias_correction2_sqrt).add_(eps);
  param->addcdiv_(*exp_avg, denom, -step_size);
})

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
