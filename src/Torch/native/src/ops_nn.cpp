// Functional neural-network ops (torch.nn.functional).
#include "shim.h"
#include "parallel_matmul.h"

ORC_TENSOR_FN(softmax, (TensorHandle a, int64_t dim), at::softmax(*a, dim))
ORC_TENSOR_FN(log_softmax, (TensorHandle a, int64_t dim), at::log_softmax(*a, dim))
ORC_TENSOR_FN(relu, (TensorHandle a), at::relu(*a))
// approximate: 0 = "none" (erf form, BERT's default), 1 = "tanh".
ORC_TENSOR_FN(gelu, (TensorHandle a, int32_t tanh_form), at::gelu(*a, tanh_form ? "tanh" : "none"))
ORC_TENSOR_FN(linear, (TensorHandle x, TensorHandle w, TensorHandle b),
              orc::parallel_linear(*x, *w, b ? c10::optional<at::Tensor>(*b) : c10::nullopt))
ORC_TENSOR_FN(layer_norm, (TensorHandle x, const int64_t* shape, int64_t n, TensorHandle w, TensorHandle b, double eps),
              at::layer_norm(*x, orc::dims(shape, n), w ? c10::optional<at::Tensor>(*w) : c10::nullopt,
                             b ? c10::optional<at::Tensor>(*b) : c10::nullopt, eps))
ORC_TENSOR_FN(embedding, (TensorHandle w, TensorHandle idx, int64_t padding_idx), at::embedding(*w, *idx, padding_idx))
// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
ORC_TENSOR_FN(cross_entropy, (TensorHandle logits, TensorHandle target, TensorHandle weight, int32_t reduction, int64_t ignore_index, double label_smoothing),
              at::cross_entropy_loss(*logits, *target, weight ? c10::optional<at::Tensor>(*weight) : c10::nullopt, reduction, ignore_index, label_smoothing))
ORC_TENSOR_FN(nll_loss, (TensorHandle logp, TensorHandle target, int32_t reduction, int64_t ignore_index),
              at::nll_loss_nd(*logp, *target, c10::nullopt, reduction, ignore_index))
ORC_TENSOR_FN(mse_loss, (TensorHandle a, TensorHandle b, int32_t reduction), at::mse_loss(*a, *b, reduction))

// Dropout as PyTorch's CPU path computes it (bernoulli noise scaled by 1/(1-p), then multiplied),
// so the same generator state gives the same mask; an explicit generator is allowed.
ORC_TENSOR_FN(dropout, (TensorHandle x, double p, bool training, at::Generator* g), ([&]() -> at::Tensor {
  TORCH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
  if (p == 0 || !training || x->numel() == 0) return at::Tensor(*x).alias();
  if (p == 1) return *x * at::zeros({}, x->options());
  auto noise = at::empty_like(*x, at::MemoryFormat::Contiguous);
  noise.bernoulli_(1 - p, orc::generator(g));
  noise.div_(1 - p);
  return *x * noise;
})())
