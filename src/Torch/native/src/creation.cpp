// Tensor factories, dtype/device conversion and copies.
#include "shim.h"

ORC_TENSOR_FN(empty, (const int64_t* s, int64_t n, int32_t dt, int32_t dev, int32_t idx), at::empty(orc::dims(s, n), orc::options(dt, dev, idx)))
ORC_TENSOR_FN(zeros_opts, (const int64_t* s, int64_t n, int32_t dt, int32_t dev, int32_t idx), at::zeros(orc::dims(s, n), orc::options(dt, dev, idx)))
ORC_TENSOR_FN(ones, (const int64_t* s, int64_t n, int32_t dt, int32_t dev, int32_t idx), at::ones(orc::dims(s, n), orc::options(dt, dev, idx)))
ORC_TENSOR_FN(full, (const int64_t* s, int64_t n, double v, int32_t dt, int32_t dev, int32_t idx), at::full(orc::dims(s, n), v, orc::options(dt, dev, idx)))
ORC_TENSOR_FN(full_int, (const int64_t* s, int64_t n, int64_t v, int32_t dt, int32_t dev, int32_t idx), at::full(orc::dims(s, n), v, orc::options(dt, dev, idx)))
ORC_TENSOR_FN(arange, (double start, double end, double step, int32_t dt, int32_t dev, int32_t idx), at::arange(start, end, step, orc::options(dt, dev, idx)))
ORC_TENSOR_FN(zeros_like, (TensorHandle a), at::zeros_like(*a))
ORC_TENSOR_FN(ones_like, (TensorHandle a), at::ones_like(*a))
ORC_TENSOR_FN(empty_like, (TensorHandle a), at::empty_like(*a))
ORC_TENSOR_FN(full_like, (TensorHandle a, double v), at::full_like(*a, v))
ORC_TENSOR_FN(rand, (const int64_t* s, int64_t n, at::Generator* g, int32_t dt, int32_t dev, int32_t idx), at::rand(orc::dims(s, n), orc::generator(g), orc::options(dt, dev, idx)))
ORC_TENSOR_FN(randn, (const int64_t* s, int64_t n, at::Generator* g, int32_t dt, int32_t dev, int32_t idx), at::randn(orc::dims(s, n), orc::generator(g), orc::options(dt, dev, idx)))
ORC_TENSOR_FN(randint, (int64_t low, int64_t high, const int64_t* s, int64_t n, at::Generator* g, int32_t dt, int32_t dev, int32_t idx), at::randint(low, high, orc::dims(s, n), orc::generator(g), orc::options(dt, dev, idx)))
ORC_TENSOR_FN(randperm, (int64_t n, at::Generator* g, int32_t dev, int32_t idx), at::randperm(n, orc::generator(g), orc::options((int32_t)at::kLong, dev, idx)))

ORC_TENSOR_FN(to_dtype, (TensorHandle a, int32_t dt), a->to(static_cast<at::ScalarType>(dt)))
ORC_TENSOR_FN(to_device, (TensorHandle a, int32_t dev, int32_t idx, bool non_blocking),
              a->to(at::Device(static_cast<c10::DeviceType>(dev), static_cast<c10::DeviceIndex>(idx)), non_blocking))
ORC_TENSOR_FN(clone, (TensorHandle a), a->clone())
ORC_TENSOR_FN(alias, (TensorHandle a), at::Tensor(*a))
ORC_VOID_FN(copy_, (TensorHandle dst, TensorHandle src), dst->copy_(*src))
ORC_VOID_FN(fill_, (TensorHandle a, double v), a->fill_(v))
ORC_VOID_FN(zero_, (TensorHandle a), a->zero_())
ORC_VOID_FN(uniform_, (TensorHandle a, double from, double to, at::Generator* g), a->uniform_(from, to, orc::generator(g)))
ORC_VOID_FN(normal_, (TensorHandle a, double mean, double std, at::Generator* g), a->normal_(mean, std, orc::generator(g)))
ORC_VOID_FN(bernoulli_, (TensorHandle a, double p, at::Generator* g), a->bernoulli_(p, orc::generator(g)))

// Writes the device type (c10::DeviceType) and index of the tensor.
ORC_VOID_FN(tensor_device, (TensorHandle a, int32_t* type, int32_t* index),
            { auto d = a->device(); *type = (int32_t)d.type(); *index = d.has_index() ? d.index() : -1; })
ORC_API int32_t orc_tensor_is_contiguous(TensorHandle a) {
  ORC_TRY return a->is_contiguous() ? 1 : 0;
  ORC_CATCH(-1)
}
ORC_API int64_t orc_tensor_strides(TensorHandle t, int64_t* out, int64_t capacity) {
  ORC_TRY
  auto st = t->strides();
  for (int64_t i = 0; i < (int64_t)st.size() && i < capacity; ++i) out[i] = st[i];
  return (int64_t)st.size();
  ORC_CATCH(-1)
}
// Scalar value of a one-element tensor as double (any dtype).
ORC_API double orc_item_double(TensorHandle a) {
  ORC_TRY return a->item<double>();
  ORC_CATCH(0)
}
ORC_API int64_t orc_item_long(TensorHandle a) {
  ORC_TRY return a->item<int64_t>();
  ORC_CATCH(0)
}
// True when both handles share storage and view the same elements (used by tests of flat buffers).
ORC_API int32_t orc_same_storage(TensorHandle a, TensorHandle b) {
  ORC_TRY return a->storage().is_alias_of(b->storage()) ? 1 : 0;
  ORC_CATCH(-1)
}
ORC_API int64_t orc_storage_offset(TensorHandle a) {
  ORC_TRY return a->storage_offset();
  ORC_CATCH(-1)
}
