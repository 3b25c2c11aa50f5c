// Common conventions of the extern "C" shim.
//
// * Every exported function is wrapped in ORC_TRY / ORC_CATCH: any C++ exception (catch (...) too)
//   is stored in a thread-local error slot and the function returns a neutral value. The managed
//   side calls orc_last_error() after each call on the same thread and throws TorchException.
//   No error string is leaked: the slot owns its storage and is overwritten by the next error.
// * Tensors cross the boundary as opaque handles: a heap-allocated at::Tensor (TensorHandle).
//   The managed side frees them with orc_tensor_free exactly once.
// * Scalars are passed by value.
#pragma once
#include <ATen/ATen.h>
#include <string>
#include <cstdint>

#define ORC_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* TensorHandle;

namespace orc {
void set_error(const char* message);
void clear_error();
// OpenBLAS's own thread count; 0 when libtorch's BLAS is not OpenBLAS.
int openblas_threads();
// Counts live TensorHandles so tests can prove deterministic disposal.
void track_new();
void track_free();

inline TensorHandle wrap(at::Tensor&& t) {
  track_new();
  return new at::Tensor(std::move(t));
}
inline TensorHandle wrap(const at::Tensor& t) {
  track_new();
  return new at::Tensor(t);
}
}  // namespace orc

#define ORC_TRY \
  orc::clear_error(); \
  try {
#define ORC_CATCH(neutral)                                  \
  }                                                         \
  catch (const c10::Error& e) {                             \
    orc::set_error(e.what_without_backtrace());             \
  }                                                         \
  catch (const std::exception& e) {                         \
    orc::set_error(e.what());                               \
  }                                                         \
  catch (...) {                                             \
    orc::set_error("unknown C++ exception in libtorch");    \
  }                                                         \
  return neutral;

namespace orc {
inline at::IntArrayRef dims(const int64_t* values, int64_t count) { return at::IntArrayRef(values, (size_t)count); }
inline at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
}
// A null generator handle means "the default generator of the device".
inline c10::optional<at::Generator> generator(at::Generator* g) {
  return g ? c10::optional<at::Generator>(*g) : c10::nullopt;
}
}  // namespace orc

// Defines `TensorHandle orc_<name>(params)` returning orc::wrap(expr).
#define ORC_TENSOR_FN(name, params, expr) \
  ORC_API TensorHandle orc_##name params { \
    ORC_TRY return orc::wrap(expr);        \
    ORC_CATCH(nullptr)                     \
  }
// Defines a void in-place function `void orc_<name>(params) { stmt; }`.
#define ORC_VOID_FN(name, params, stmt) \
  ORC_API void orc_##name params {      \
    ORC_TRY stmt;                       \
    return;                             \
    ORC_CATCH()                         \
  }
