// Grad-ready hooks: a callback once a leaf's gradient has been accumulated into its .grad, which is
// what DDP's reducer listens to so it can start summing a bucket of gradients across ranks while
// backward is still computing the others.
#include "shim.h"
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

namespace {
using GradReady = void (*)(int64_t id, void* state);

// A post hook of the leaf's AccumulateGrad node: it runs right after the gradient is added to .grad,
// on the thread that runs backward (for CPU graphs, the one that called backward).
struct ReadyHook : public torch::autograd::FunctionPostHook {
  ReadyHook(GradReady callback, int64_t id, void* state) : callback(callback), id(id), state(state) {}
  torch::autograd::variable_list operator()(const torch::autograd::variable_list& outputs,
                                            const torch::autograd::variable_list& /*inputs*/) override {
    callback(id, state);
    return outputs;
  }
  GradReady callback;
  int64_t id;
  void* state;
};

struct HookBox {
  // Held so every later graph reuses this accumulator, and with it the hook (DDP keeps them the same way).
  std::shared_ptr<torch::autograd::Node> accumulator;
  uintptr_t key;
};
}  // namespace

ORC_API HookBox* orc_grad_ready_hook_add(TensorHandle leaf, int64_t id, GradReady callback, void* state) {
  ORC_TRY
  TORCH_CHECK(leaf->is_leaf() && leaf->requires_grad(), "grad-ready hooks go on leaf tensors that require grad");
  TORCH_CHECK(callback != nullptr, "grad-ready hook without a callback");
  auto accumulator = torch::autograd::impl::grad_accumulator(*leaf);
  TORCH_CHECK(accumulator, "the tensor has no gradient accumulator");
  const auto key = accumulator->add_post_hook(std::make_unique<ReadyHook>(callback, id, state));
  return new HookBox{std::move(accumulator), key};
  ORC_CATCH(nullptr)
}

ORC_API void orc_grad_ready_hook_remove(HookBox* box) {
  if (!box) return;
  box->accumulator->del_post_hook(box->key);
  delete box;
}
