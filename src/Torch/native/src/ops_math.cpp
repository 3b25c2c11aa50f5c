// Elementwise arithmetic, comparisons, linear algebra and reductions.
#include "shim.h"
#include "parallel_matmul.h"

#define BINARY(name, expr) ORC_TENSOR_FN(name, (TensorHandle a, TensorHandle b), expr)
#define BINARY_SCALAR(name, expr) ORC_TENSOR_FN(name, (TensorHandle a, double s), expr)
#define UNARY(name, expr) ORC_TENSOR_FN(name, (TensorHandle a), expr)

ORC_TENSOR_FN(sub, (TensorHandle a, TensorHandle b, double alpha), at::sub(*a, *b, alpha))
BINARY(mul, at::mul(*a, *b))
BINARY(div, at::div(*a, *b))
BINARY(pow_t, at::pow(*a, *b))
BINARY(maximum, at::maximum(*a, *b))
BINARY(minimum, at::minimum(*a, *b))
BINARY(eq, at::eq(*a, *b))
BINARY(ne, at::ne(*a, *b))
BINARY(lt, at::lt(*a, *b))
BINARY(le, at::le(*a, *b))
BINARY(gt, at::gt(*a, *b))
BINARY(ge, at::ge(*a, *b))
BINARY(logical_and, at::logical_and(*a, *b))
BINARY(logical_or, at::logical_or(*a, *b))
BINARY(matmul, orc::parallel_matmul(*a, *b))
BINARY(bmm, at::bmm(*a, *b))
BINARY(mm, at::mm(*a, *b))
ORC_TENSOR_FN(addmm, (TensorHandle self, TensorHandle m1, TensorHandle m2, double beta, double alpha), at::addmm(*self, *m1, *m2, beta, alpha))

BINARY_SCALAR(add_s, at::add(*a, s))
BINARY_SCALAR(sub_s, at::sub(*a, s))
BINARY_SCALAR(rsub_s, at::rsub(*a, s))
BINARY_SCALAR(mul_s, at::mul(*a, s))
BINARY_SCALAR(div_s, at::div(*a, s))
BINARY_SCALAR(pow_s, at::pow(*a, s))
BINARY_SCALAR(eq_s, at::eq(*a, s))
BINARY_SCALAR(ne_s, at::ne(*a, s))
BINARY_SCALAR(lt_s, at::lt(*a, s))
BINARY_SCALAR(le_s, at::le(*a, s))
BINARY_SCALAR(gt_s, at::gt(*a, s))
BINARY_SCALAR(ge_s, at::ge(*a, s))

UNARY(neg, at::neg(*a))
UNARY(abs, at::abs(*a))
UNARY(sqrt, at::sqrt(*a))
UNARY(rsqrt, at::rsqrt(*a))
UNARY(reciprocal, at::reciprocal(*a))
UNARY(exp, at::exp(*a))
UNARY(log, at::log(*a))
UNARY(tanh, at::tanh(*a))
UNARY(sigmoid, at::sigmoid(*a))
UNARY(erf, at::erf(*a))
UNARY(sign, at::sign(*a))
UNARY(logical_not, at::logical_not(*a))
UNARY(isnan, at::isnan(*a))
ORC_TENSOR_FN(clamp, (TensorHandle a, double lo, double hi, int32_t has_lo, int32_t has_hi),
              at::clamp(*a, has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt, has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt))

// In-place forms (TorchSharp's add_, mul_, ...): they return nothing; the managed side returns `this`.
ORC_VOID_FN(add_, (TensorHandle a, TensorHandle b, double alpha), a->add_(*b, alpha))
ORC_VOID_FN(sub_, (TensorHandle a, TensorHandle b, double alpha), a->sub_(*b, alpha))
ORC_VOID_FN(mul_, (TensorHandle a, TensorHandle b), a->mul_(*b))
ORC_VOID_FN(div_, (TensorHandle a, TensorHandle b), a->div_(*b))
ORC_VOID_FN(add_s_, (TensorHandle a, double s), a->add_(s))
ORC_VOID_FN(sub_s_, (TensorHandle a, double s), a->sub_(s))
ORC_VOID_FN(mul_s_, (TensorHandle a, double s), a->mul_(s))
ORC_VOID_FN(div_s_, (TensorHandle a, double s), a->div_(s))
ORC_VOID_FN(clamp_, (TensorHandle a, double lo, double hi), a->clamp_(lo, hi))
ORC_VOID_FN(addcmul_, (TensorHandle a, TensorHandle t1, TensorHandle t2, double v), a->addcmul_(*t1, *t2, v))
ORC_VOID_FN(addcdiv_, (TensorHandle a, TensorHandle t1, TensorHandle t2, double v), a->addcdiv_(*t1, *t2, v))

// Reductions. `dims`/`ndims` = 0 means all dimensions.
ORC_TENSOR_FN(sum, (TensorHandle a, const int64_t* d, int64_t nd, bool keepdim, int32_t dtype),
              nd == 0 && !keepdim ? (dtype < 0 ? at::sum(*a) : at::sum(*a, static_cast<at::ScalarType>(dtype)))
                                  : at::sum(*a, orc::dims(d, nd), keepdim, dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype))))
ORC_TENSOR_FN(mean, (TensorHandle a, const int64_t* d, int64_t nd, bool keepdim),
              nd == 0 && !keepdim ? at::mean(*a) : at::mean(*a, orc::dims(d, nd), keepdim))
ORC_TENSOR_FN(max_all, (TensorHandle a), at::max(*a))
ORC_TENSOR_FN(min_all, (TensorHandle a), at::min(*a))
ORC_TENSOR_FN(argmax, (TensorHandle a, int64_t dim, bool keepdim, bool all), all ? at::argmax(*a) : at::argmax(*a, dim, keepdim))
ORC_TENSOR_FN(norm, (TensorHandle a, double p), at::norm(*a, p))
ORC_TENSOR_FN(norm_dim, (TensorHandle a, double p, const int64_t* d, int64_t nd, bool keepdim), at::norm(*a, p, orc::dims(d, nd), keepdim))

// max along a dimension: values and indices through out-parameters.
ORC_API void orc_max_dim(TensorHandle a, int64_t dim, bool keepdim, TensorHandle* values, TensorHandle* indices) {
  ORC_TRY
  auto r = at::max(*a, dim, keepdim);
  *values = orc::wrap(std::move(std::get<0>(r)));
  *indices = orc::wrap(std::move(std::get<1>(r)));
  return;
  ORC_CATCH()
}
ORC_API void orc_min_dim(TensorHandle a, int64_t dim, bool keepdim, TensorHandle* values, TensorHandle* indices) {
  ORC_TRY
  auto r = at::min(*a, dim, keepdim);
  *values = orc::wrap(std::move(std::get<0>(r)));
  *indices = orc::wrap(std::move(std::get<1>(r)));
  return;
  ORC_CATCH()
}
ORC_API void orc_topk(TensorHandle a, int64_t k, int64_t dim, bool largest, bool sorted, TensorHandle* values, TensorHandle* indices) {
  ORC_TRY
  auto r = at::topk(*a, k, dim, largest, sorted);
  *values = orc::wrap(std::move(std::get<0>(r)));
  *indices = orc::wrap(std::move(std::get<1>(r)));
  return;
  ORC_CATCH()
}
ORC_API int32_t orc_allclose(TensorHandle a, TensorHandle b, double rtol, double atol) {
  ORC_TRY return at::allclose(*a, *b, rtol, atol) ? 1 : 0;
  ORC_CATCH(-1)
}
ORC_API int32_t orc_equal(TensorHandle a, TensorHandle b) {
  ORC_TRY return at::equal(*a, *b) ? 1 : 0;
  ORC_CATCH(-1)
}
