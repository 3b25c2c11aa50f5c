#include "shim.h"
#include <atomic>

namespace {
thread_local std::string last_error;
thread_local bool has_error = false;
std::atomic<int64_t> live_tensors{0};
}  // namespace

namespace orc {
void set_error(const char* message) {
  last_error = message ? message : "";
  has_error = true;
}
void clear_error() { has_error = false; }
void track_new() { live_tensors.fetch_add(1, std::memory_order_relaxed); }
void track_free() { live_tensors.fetch_sub(1, std::memory_order_relaxed); }
}  // namespace orc

// Returns the message of the last failed call on this thread, or null. The pointer stays valid
// until the next shim call on this thread; the managed side copies it at once.
ORC_API const char* orc_last_error() { return has_error ? last_error.c_str() : nullptr; }

ORC_API int64_t orc_live_tensors() { return live_tensors.load(); }
