// Autograd: requires_grad, backward, .grad and the thread-local grad mode.
#include "shim.h"
#include <ATen/core/grad_mode.h>  // at::NoGradGuard, at::GradMode: 2.x no longer brings them in through the other headers
#include <torch/csrc/autograd/function.h>

ORC_API int32_t orc_requires_grad(TensorHandle a) {
  ORC_TRY return a->requires_grad() ? 1 : 0;
  ORC_CATCH(-1)
}
ORC_VOID_FN(set_requires_grad, (TensorHandle a, bool value), a->set_requires_grad(value))
ORC_API int32_t orc_is_leaf(TensorHandle a) {
  ORC_TRY return a->is_leaf() ? 1 : 0;
  ORC_CATCH(-1)
}
// The name of the autograd node that made this tensor (PyTorch's tensor.grad_fn.name()), "" for none.
// Returned in a thread-local buffer valid until the next call on the same thread.
ORC_API const char* orc_grad_fn_name(TensorHandle a) {
  ORC_TRY
  static thread_local std::string name;
  name = a->grad_fn() ? a->grad_fn()->name() : std::string();
  return name.c_str();
  ORC_CATCH(nullptr)
}
// gradient may be null for a scalar output.
ORC_VOID_FN(backward, (TensorHandle a, TensorHandle gradient, bool retain_graph, bool create_graph),
            a->backward(gradient ? *gradient : at::Tensor(), retain_graph, create_graph))
// Returns the gradient or null when there is none (not an error: check orc_last_error first).
ORC_API TensorHandle orc_grad(TensorHandle a) {
  ORC_TRY
  const auto& g = a->grad();
  return g.defined() ? orc::wrap(g) : nullptr;
  ORC_CATCH(nullptr)
}
// Sets .grad; a null gradient sets it to None (zero_grad(set_to_none=True)).
ORC_VOID_FN(set_grad, (TensorHandle a, TensorHandle g), a->mutable_grad() = g ? *g : at::Tensor())
ORC_TENSOR_FN(detach, (TensorHandle a), a->detach())
ORC_VOID_FN(detach_, (TensorHandle a), a->detach_())
// Replaces the tensor's data while keeping its autograd identity (Python's `p.data = new`).
ORC_VOID_FN(set_data, (TensorHandle a, TensorHandle data), a->set_data(*data))

ORC_API int32_t orc_is_grad_enabled() {
  ORC_TRY return at::GradMode::is_enabled() ? 1 : 0;
  ORC_CATCH(-1)
}
ORC_VOID_FN(set_grad_enabled, (bool enabled), at::GradMode::set_enabled(enabled))
