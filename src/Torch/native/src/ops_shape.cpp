// Views, reshapes, indexing and joining.
#include "shim.h"
#include <vector>

namespace {
std::vector<at::Tensor> gather_list(const TensorHandle* ts, int64_t n) {
  std::vector<at::Tensor> list;
  list.reserve(n);
  for (int64_t i = 0; i < n; ++i) list.push_back(*ts[i]);
  return list;
}
}  // namespace

ORC_TENSOR_FN(view, (TensorHandle a, const int64_t* s, int64_t n), a->view(orc::dims(s, n)))
ORC_TENSOR_FN(reshape, (TensorHandle a, const int64_t* s, int64_t n), a->reshape(orc::dims(s, n)))
ORC_TENSOR_FN(expand, (TensorHandle a, const int64_t* s, int64_t n), a->expand(orc::dims(s, n)))
ORC_TENSOR_FN(permute, (TensorHandle a, const int64_t* s, int64_t n), a->permute(orc::dims(s, n)))
ORC_TENSOR_FN(transpose, (TensorHandle a, int64_t d0, int64_t d1), a->transpose(d0, d1))
ORC_TENSOR_FN(contiguous, (TensorHandle a), a->contiguous())
ORC_TENSOR_FN(narrow, (TensorHandle a, int64_t dim, int64_t start, int64_t length), a->narrow(dim, start, length))
ORC_TENSOR_FN(slice, (TensorHandle a, int64_t dim, int64_t start, int64_t end, int64_t step), a->slice(dim, start, end, step))
ORC_TENSOR_FN(select, (TensorHandle a, int64_t dim, int64_t index), a->select(dim, index))
ORC_TENSOR_FN(index_select, (TensorHandle a, int64_t dim, TensorHandle index), at::index_select(*a, dim, *index))
ORC_TENSOR_FN(gather, (TensorHandle a, int64_t dim, TensorHandle index), at::gather(*a, dim, *index))
ORC_TENSOR_FN(unsqueeze, (TensorHandle a, int64_t dim), a->unsqueeze(dim))
ORC_TENSOR_FN(squeeze, (TensorHandle a), a->squeeze())
ORC_TENSOR_FN(squeeze_dim, (TensorHandle a, int64_t dim), a->squeeze(dim))
ORC_TENSOR_FN(flatten, (TensorHandle a, int64_t start, int64_t end), a->flatten(start, end))
ORC_TENSOR_FN(masked_fill, (TensorHandle a, TensorHandle mask, double v), a->masked_fill(*mask, v))
ORC_TENSOR_FN(masked_fill_t, (TensorHandle a, TensorHandle mask, TensorHandle v), a->masked_fill(*mask, *v))
ORC_VOID_FN(masked_fill_, (TensorHandle a, TensorHandle mask, double v), a->masked_fill_(*mask, v))
ORC_TENSOR_FN(masked_select, (TensorHandle a, TensorHandle mask), at::masked_select(*a, *mask))
ORC_TENSOR_FN(where, (TensorHandle cond, TensorHandle a, TensorHandle b), at::where(*cond, *a, *b))
ORC_TENSOR_FN(where_s, (TensorHandle cond, TensorHandle a, double b), at::where(*cond, *a, at::Scalar(b)))
ORC_TENSOR_FN(cat, (const TensorHandle* ts, int64_t n, int64_t dim), at::cat(gather_list(ts, n), dim))
ORC_TENSOR_FN(stack, (const TensorHandle* ts, int64_t n, int64_t dim), at::stack(gather_list(ts, n), dim))
ORC_TENSOR_FN(repeat, (TensorHandle a, const int64_t* s, int64_t n), a->repeat(orc::dims(s, n)))
ORC_TENSOR_FN(tril, (TensorHandle a, int64_t k), at::tril(*a, k))
ORC_TENSOR_FN(triu, (TensorHandle a, int64_t k), at::triu(*a, k))
ORC_TENSOR_FN(cumsum, (TensorHandle a, int64_t dim), at::cumsum(*a, dim))
ORC_TENSOR_FN(index_tensor, (TensorHandle a, TensorHandle index), a->index({*index}))
ORC_VOID_FN(index_put_, (TensorHandle a, TensorHandle index, TensorHandle v), a->index_put_({*index}, *v))
