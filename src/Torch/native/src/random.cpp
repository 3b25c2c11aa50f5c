// Random number generators: torch.Generator, manual_seed and the default CPU generator's state.
#include "shim.h"
#include <ATen/CPUGeneratorImpl.h>
#include <mutex>

namespace {
at::Generator& target(at::Generator* g) {
  static at::Generator default_cpu = at::detail::getDefaultCPUGenerator();
  return g ? *g : default_cpu;
}
}  // namespace

ORC_API at::Generator* orc_generator_new(uint64_t seed) {
  ORC_TRY return new at::Generator(at::detail::createCPUGenerator(seed));
  ORC_CATCH(nullptr)
}
ORC_API void orc_generator_free(at::Generator* g) { delete g; }

// A null generator addresses the default CPU generator (torch.manual_seed).
ORC_VOID_FN(generator_manual_seed, (at::Generator* g, uint64_t seed), {
  auto& gen = target(g);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_current_seed(seed);
})
ORC_API uint64_t orc_generator_initial_seed(at::Generator* g) {
  ORC_TRY
  auto& gen = target(g);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.current_seed();
  ORC_CATCH(0)
}
// The state as a uint8 tensor (what torch.get_rng_state returns; 5056 bytes for the CPU generator).
ORC_TENSOR_FN(generator_get_state, (at::Generator* g), ([&]() {
  auto& gen = target(g);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
})())
ORC_VOID_FN(generator_set_state, (at::Generator* g, TensorHandle state), {
  auto& gen = target(g);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(*state);
})
