// Tensor lifetime, metadata and data transfer. Ops live in their own files (ops_*.cpp).
#include "shim.h"
#include <cstring>

ORC_API void orc_tensor_free(TensorHandle t) {
  if (!t) return;
  delete t;
  orc::track_free();
}

// dtype codes follow c10::ScalarType (Float=6, Half=5, BFloat16=15, Long=4, Int=3, Bool=11).
ORC_API int32_t orc_tensor_dtype(TensorHandle t) {
  ORC_TRY
  return static_cast<int32_t>(t->scalar_type());
  ORC_CATCH(-1)
}

ORC_API int64_t orc_tensor_dim(TensorHandle t) {
  ORC_TRY
  return t->dim();
  ORC_CATCH(-1)
}

// Writes up to `capacity` sizes into `out`; returns the number of dimensions.
ORC_API int64_t orc_tensor_sizes(TensorHandle t, int64_t* out, int64_t capacity) {
  ORC_TRY
  auto sizes = t->sizes();
  for (int64_t i = 0; i < (int64_t)sizes.size() && i < capacity; ++i) out[i] = sizes[i];
  return (int64_t)sizes.size();
  ORC_CATCH(-1)
}

ORC_API int64_t orc_tensor_numel(TensorHandle t) {
  ORC_TRY
  return t->numel();
  ORC_CATCH(-1)
}

// Creates a tensor by copying `byte_count` bytes from `data` (owned by the caller).
ORC_API TensorHandle orc_tensor_from_data(const void* data, int64_t byte_count, int32_t dtype,
                                          const int64_t* sizes, int64_t ndim) {
  ORC_TRY
  auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
  auto t = at::empty(at::IntArrayRef(sizes, ndim), options);
  if ((int64_t)t.nbytes() != byte_count) throw std::invalid_argument("data length does not match shape and dtype");
  if (byte_count > 0) std::memcpy(t.data_ptr(), data, byte_count);
  return orc::wrap(std::move(t));
  ORC_CATCH(nullptr)
}

// Copies the tensor's elements (made contiguous, on CPU) into `out`, which holds `byte_count` bytes.
ORC_API void orc_tensor_copy_to(TensorHandle t, void* out, int64_t byte_count) {
  ORC_TRY
  auto c = t->detach().to(at::kCPU).contiguous();
  if ((int64_t)c.nbytes() != byte_count) throw std::invalid_argument("destination length does not match the tensor's byte size");
  if (byte_count > 0) std::memcpy(out, c.data_ptr(), byte_count);
  return;
  ORC_CATCH()
}


ORC_API TensorHandle orc_add(TensorHandle a, TensorHandle b, double alpha) {
  ORC_TRY
  return orc::wrap(at::add(*a, *b, alpha));
  ORC_CATCH(nullptr)
}

// The address of the first element of a contiguous CPU tensor, for code that reads and writes it in place
// (the shared-memory allreduce); the tensor must stay alive and unresized while the address is used.
ORC_API void* orc_tensor_data_ptr(TensorHandle t) {
  ORC_TRY
  if (!t->device().is_cpu()) throw std::invalid_argument("data_ptr: the tensor is not on the CPU");
  if (!t->is_contiguous()) throw std::invalid_argument("data_ptr: the tensor is not contiguous");
  return t->data_ptr();
  ORC_CATCH(nullptr)
}

// A tensor over memory the caller owns and keeps alive and mapped for the tensor's whole life (a shared memory
// segment): no copy, and nothing is freed with the tensor.
ORC_API TensorHandle orc_tensor_from_blob(void* data, int32_t dtype, const int64_t* sizes, int64_t ndim) {
  ORC_TRY
  auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
  return orc::wrap(at::from_blob(data, at::IntArrayRef(sizes, ndim), options));
  ORC_CATCH(nullptr)
}
