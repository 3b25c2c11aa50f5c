// Facts about the libtorch in use (version, build configuration, threads, devices) for
// `orchestrator doctor` and the logs. Strings are returned in a thread-local buffer that stays
// valid until the next string-returning call on the same thread; the managed side copies at once.
#include "shim.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <dlfcn.h>
#include <torch/cuda.h>
#include <torch/version.h>

namespace {
thread_local std::string text_result;

const char* hold(std::string text) {
  text_result = std::move(text);
  return text_result.c_str();
}
}  // namespace

ORC_API const char* orc_runtime_torch_version() { return TORCH_VERSION; }

// at::show_config(): compiler, CPU capability, BLAS_INFO/LAPACK_INFO, USE_* build switches.
ORC_API const char* orc_runtime_show_config() {
  ORC_TRY
  return hold(at::show_config());
  ORC_CATCH(nullptr)
}

// at::get_parallel_info(): intra-/inter-op threads, omp_get_max_threads(), parallel backend.
ORC_API const char* orc_runtime_parallel_info() {
  ORC_TRY
  return hold(at::get_parallel_info());
  ORC_CATCH(nullptr)
}

ORC_API int32_t orc_get_num_threads() {
  ORC_TRY
  return at::get_num_threads();
  ORC_CATCH(-1)
}

ORC_API void orc_set_num_threads(int32_t threads) {
  ORC_TRY
  if (threads <= 0) throw std::invalid_argument("number of threads must be positive");
  at::set_num_threads(threads);
  return;
  ORC_CATCH()
}

// OpenBLAS's own thread count, looked up at run time because libtorch reaches BLAS through the
// libblas.so.3 alternative, which may or may not be OpenBLAS. 0 means "not OpenBLAS".
namespace {
using GetThreads = int (*)();
using SetThreads = void (*)(int);
GetThreads openblas_get() {
  static const auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get;
}
SetThreads openblas_set() {
  static const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  return set;
}
}  // namespace

int orc::openblas_threads() { return openblas_get() ? openblas_get()() : 0; }

ORC_API int32_t orc_blas_get_num_threads() { return orc::openblas_threads(); }

// Returns false when the BLAS in use is not OpenBLAS (nothing to set).
ORC_API bool orc_blas_set_num_threads(int32_t threads) {
  ORC_TRY
  if (threads <= 0) throw std::invalid_argument("number of BLAS threads must be positive");
  if (!openblas_set()) return false;
  openblas_set()(threads);
  return true;
  ORC_CATCH(false)
}

ORC_API int32_t orc_get_num_interop_threads() {
  ORC_TRY
  return at::get_num_interop_threads();
  ORC_CATCH(-1)
}

// libtorch refuses once inter-op work has started (or after a first call): that error surfaces.
ORC_API void orc_set_num_interop_threads(int32_t threads) {
  ORC_TRY
  if (threads <= 0) throw std::invalid_argument("number of interop threads must be positive");
  at::set_num_interop_threads(threads);
  return;
  ORC_CATCH()
}

ORC_API int32_t orc_cuda_is_available() {
  ORC_TRY
  return torch::cuda::is_available() ? 1 : 0;
  ORC_CATCH(0)
}

ORC_API int64_t orc_cuda_device_count() {
  ORC_TRY
  return static_cast<int64_t>(torch::cuda::device_count());
  ORC_CATCH(-1)
}
