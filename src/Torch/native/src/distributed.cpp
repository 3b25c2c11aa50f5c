// c10d: key-value stores (TCPStore, PrefixStore), process groups (Gloo; NCCL in CUDA builds) and
// collectives returning waitable work handles.
//
// Handles crossing the shim:
// * StoreBox  : a c10d::Store (TCPStore or PrefixStore over another store).
// * GroupBox  : a c10d backend (Gloo or NCCL) plus what error messages need (rank, size, backend).
// * WorkBox   : one in-flight collective. Waiting raises instead of hanging: every wait has a
//               deadline, and Gloo itself fails a collective whose peer does not answer in time.
#include "shim.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>
#include <torch/version.h>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <gloo/context.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

namespace {

using std::chrono::milliseconds;

// libtorch 2.x split ProcessGroup into a dispatching front and per-device Backends: ProcessGroupGloo and
// ProcessGroupNCCL became c10d::Backend subclasses (with the same collective signatures). 1.13's are
// ProcessGroups. The shim holds whichever base class its libtorch has.
#if TORCH_VERSION_MAJOR >= 2
using CollectiveBackend = c10d::Backend;
#else
using CollectiveBackend = c10d::ProcessGroup;
#endif

struct StoreBox {
  c10::intrusive_ptr<c10d::Store> store;
  int64_t timeout_ms;
};

// ProcessGroupGloo keeps its Gloo contexts protected; closing their connections makes every
// pending send/recv of this rank fail at once, which is what "abort" means for a dead peer.
class AbortableGloo : public c10d::ProcessGroupGloo {
 public:
  using c10d::ProcessGroupGloo::ProcessGroupGloo;
  void closeConnections() {
#ifdef ORC_GLOO_CLOSE_CONNECTIONS
    for (auto& context : contexts_) context->closeConnections();
#endif
  }
};

struct GroupBox {
  c10::intrusive_ptr<CollectiveBackend> group;
  // Set by orc_pg_abort; shared with the group's work so a pending wait notices it.
  std::shared_ptr<std::atomic<bool>> aborted = std::make_shared<std::atomic<bool>>(false);
  AbortableGloo* gloo = nullptr;  // non-owning view of `group` when the backend is Gloo
  std::string backend;
  int rank;
  int size;
  int64_t timeout_ms;
};

// Signalled by the work's future when the collective ends (on the backend's thread).
struct Completion {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
};

struct WorkBox {
  c10::intrusive_ptr<c10d::Work> work;
  std::shared_ptr<Completion> completion;  // null when the backend's work has no future
  std::shared_ptr<std::atomic<bool>> aborted;
  std::string op;
  std::string backend;
  int rank;
  int size;
  int64_t timeout_ms;
  // Tensors to divide by the group size once the sum has arrived (ReduceOp.Avg on Gloo).
  std::vector<at::Tensor> average_after;
  // A flattened bucket to copy back into its tensors once it has been reduced (NCCL coalesced).
  at::Tensor flat;
  std::vector<at::Tensor> unflatten_into;
  bool finished = false;
};

enum OrcReduceOp { kSum = 0, kAvg = 1, kProduct = 2, kMin = 3, kMax = 4 };

std::vector<at::Tensor> tensors_of(TensorHandle* handles, int64_t count) {
  if (count <= 0) throw std::invalid_argument("a collective needs at least one tensor");
  std::vector<at::Tensor> tensors;
  tensors.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    if (!handles[i]) throw std::invalid_argument("null tensor handle passed to a collective");
    tensors.push_back(*handles[i]);
  }
  return tensors;
}

WorkBox* new_work(GroupBox* g, c10::intrusive_ptr<c10d::Work> work, const char* op) {
  auto* box = new WorkBox();
  box->work = std::move(work);
  try {
    auto completion = std::make_shared<Completion>();
    box->work->getFuture()->addCallback([completion](c10::ivalue::Future&) {
      {
        std::lock_guard<std::mutex> lock(completion->mutex);
        completion->done = true;
      }
      completion->done_cv.notify_all();
    });
    box->completion = completion;
  } catch (const std::exception&) {
    // No future for this kind of work: orc_work_wait polls isCompleted instead.
  }
  box->aborted = g->aborted;
  box->op = op;
  box->backend = g->backend;
  box->rank = g->rank;
  box->size = g->size;
  box->timeout_ms = g->timeout_ms;
  return box;
}

std::string describe(const WorkBox* w) {
  std::ostringstream s;
  s << "rank " << w->rank << " of " << w->size << ", " << w->backend;
  return s.str();
}

// libtorch's message without its C++ backtrace.
std::string cause_of(const std::exception& e) {
  if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) return c10->what_without_backtrace();
  return e.what();
}

std::string store_error(const char* what, const std::string& key, int64_t timeout_ms, const std::string& cause) {
  std::ostringstream s;
  s << "store " << what << " of key '" << key << "' failed (timeout " << timeout_ms << " ms): " << cause;
  return s.str();
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ','))
    if (!item.empty()) items.push_back(item);
  return items;
}

// Interfaces win over a hostname, an explicit choice over GLOO_SOCKET_IFNAME (as torch.distributed
// reads it), and the machine's hostname (falling back to loopback) is the last resort.
std::vector<std::shared_ptr<::gloo::transport::Device>> gloo_devices(const char* hostname, const char* interfaces) {
  std::vector<std::shared_ptr<::gloo::transport::Device>> devices;
  std::string ifaces = interfaces ? interfaces : "";
  if (ifaces.empty() && !(hostname && *hostname)) {
    const char* env = std::getenv("GLOO_SOCKET_IFNAME");
    if (env) ifaces = env;
  }
  for (const auto& iface : split_list(ifaces))
    devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
  if (!devices.empty()) return devices;
  if (hostname && *hostname)
    devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(hostname));
  else
    devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  return devices;
}

c10d::ReduceOp to_reduce_op(int32_t op, bool native_avg) {
  switch (op) {
    case kSum: return c10d::ReduceOp::SUM;
    case kAvg: return native_avg ? c10d::ReduceOp::AVG : c10d::ReduceOp::SUM;
    case kProduct: return c10d::ReduceOp::PRODUCT;
    case kMin: return c10d::ReduceOp::MIN;
    case kMax: return c10d::ReduceOp::MAX;
    default: throw std::invalid_argument("unknown reduce op code " + std::to_string(op));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Stores

// Server (is_master) or client of a TCPStore. port 0 lets the server pick a free port (read it
// back with orc_store_port). world_size <= 0 leaves the number of workers open. A server never
// blocks here waiting for the workers: call orc_tcpstore_wait_workers when that is wanted. A
// client registers itself at once (TCPStore's waitForWorkers only counts it, it never blocks).
ORC_API StoreBox* orc_tcpstore_create(const char* host, int32_t port, int32_t world_size, int32_t is_master,
                                      int64_t timeout_ms) {
  ORC_TRY
  if (port < 0 || port > 65535) throw std::invalid_argument("TCPStore port must be within 0..65535");
  if (timeout_ms <= 0) throw std::invalid_argument("TCPStore timeout must be positive");
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(port);
  options.isServer = is_master != 0;
  if (world_size > 0) options.numWorkers = static_cast<std::size_t>(world_size);
  options.waitWorkers = is_master == 0;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 2)
  // 2.4+ default to the libuv server, which Debian's libtorch is built without ("use_libuv was requested
  // but PyTorch was build without libuv support"): keep the classic server, as 1.13 has.
  options.useLibUV = false;
#endif
#if TORCH_VERSION_MAJOR >= 2
  // 2.x retries a refused connect with backoff until the timeout itself.
  options.timeout = milliseconds(timeout_ms);
#else
  // 1.13 retries a refused connect once a second and counts whole seconds, giving up about a
  // second early (a 500 ms timeout never retries at all). Connect with the timeout rounded up to
  // whole seconds plus one, then apply the exact timeout to gets and waits.
  options.timeout = milliseconds(((timeout_ms + 999) / 1000 + 1) * 1000);
#endif
  auto store = c10::make_intrusive<c10d::TCPStore>(host ? host : "127.0.0.1", options);
  store->setTimeout(milliseconds(timeout_ms));
  return new StoreBox{store, timeout_ms};
  ORC_CATCH(nullptr)
}

ORC_API void orc_tcpstore_wait_workers(StoreBox* s) {
  ORC_TRY
  auto* tcp = dynamic_cast<c10d::TCPStore*>(s->store.get());
  if (!tcp) throw std::invalid_argument("not a TCPStore");
  // 1.13's waitForWorkers gives up silently at the timeout, 2.x throws its own message: the same error from both.
  const auto failure = "TCPStore: not every worker connected within " + std::to_string(s->timeout_ms) + " ms";
  const auto start = std::chrono::steady_clock::now();
  try {
    tcp->waitForWorkers();
  } catch (const c10::Error& error) {
    throw std::runtime_error(failure + " (" + error.what_without_backtrace() + ")");
  }
  if (std::chrono::steady_clock::now() - start >= milliseconds(s->timeout_ms)) throw std::runtime_error(failure);
  return;
  ORC_CATCH()
}

ORC_API int32_t orc_store_port(StoreBox* s) {
  ORC_TRY
  auto* tcp = dynamic_cast<c10d::TCPStore*>(s->store.get());
  if (!tcp) throw std::invalid_argument("not a TCPStore");
  return tcp->getPort();
  ORC_CATCH(-1)
}

ORC_API StoreBox* orc_prefixstore_create(const char* prefix, StoreBox* inner) {
  ORC_TRY
  auto store = c10::make_intrusive<c10d::PrefixStore>(prefix ? prefix : "", inner->store);
  return new StoreBox{store, inner->timeout_ms};
  ORC_CATCH(nullptr)
}

ORC_API void orc_store_free(StoreBox* s) { delete s; }

ORC_API void orc_store_set_timeout(StoreBox* s, int64_t timeout_ms) {
  ORC_TRY
  if (timeout_ms <= 0) throw std::invalid_argument("store timeout must be positive");
  s->store->setTimeout(milliseconds(timeout_ms));
  s->timeout_ms = timeout_ms;
  return;
  ORC_CATCH()
}

ORC_API void orc_store_set(StoreBox* s, const char* key, const uint8_t* value, int64_t length) {
  ORC_TRY
  s->store->set(key, std::vector<uint8_t>(value, value + length));
  return;
  ORC_CATCH()
}

// Returns a heap byte vector (read with orc_bytes_data/orc_bytes_size, free with orc_bytes_free).
// Blocks until the key exists or the store's timeout passes.
ORC_API std::vector<uint8_t>* orc_store_get(StoreBox* s, const char* key) {
  ORC_TRY
  try {
    return new std::vector<uint8_t>(s->store->get(key));
  } catch (const std::exception& e) {
    throw std::runtime_error(store_error("get", key, s->timeout_ms, cause_of(e)));
  }
  ORC_CATCH(nullptr)
}

ORC_API const uint8_t* orc_bytes_data(std::vector<uint8_t>* b) { return b->data(); }
ORC_API int64_t orc_bytes_size(std::vector<uint8_t>* b) { return static_cast<int64_t>(b->size()); }
ORC_API void orc_bytes_free(std::vector<uint8_t>* b) { delete b; }

ORC_API int64_t orc_store_add(StoreBox* s, const char* key, int64_t delta) {
  ORC_TRY
  return s->store->add(key, delta);
  ORC_CATCH(0)
}

ORC_API int32_t orc_store_check(StoreBox* s, const char* const* keys, int64_t count) {
  ORC_TRY
  return s->store->check(std::vector<std::string>(keys, keys + count)) ? 1 : 0;
  ORC_CATCH(0)
}

ORC_API int32_t orc_store_delete(StoreBox* s, const char* key) {
  ORC_TRY
  return s->store->deleteKey(key) ? 1 : 0;
  ORC_CATCH(0)
}

ORC_API int64_t orc_store_num_keys(StoreBox* s) {
  ORC_TRY
  return s->store->getNumKeys();
  ORC_CATCH(-1)
}

ORC_API void orc_store_wait(StoreBox* s, const char* const* keys, int64_t count, int64_t timeout_ms) {
  ORC_TRY
  std::vector<std::string> names(keys, keys + count);
  try {
    s->store->wait(names, milliseconds(timeout_ms));
  } catch (const std::exception& e) {
    throw std::runtime_error(store_error("wait", names.empty() ? "" : names[0], timeout_ms, cause_of(e)));
  }
  return;
  ORC_CATCH()
}

// ---------------------------------------------------------------------------------------------
// Process groups

static void check_rank(int32_t rank, int32_t size) {
  if (size <= 0 || rank < 0 || rank >= size)
    throw std::invalid_argument("rank " + std::to_string(rank) + " is outside a group of size " + std::to_string(size));
}

static GroupBox* new_group(c10::intrusive_ptr<CollectiveBackend> group, const char* backend, int32_t rank, int32_t size,
                           int64_t timeout_ms) {
  auto* box = new GroupBox();
  box->group = std::move(group);
  box->backend = backend;
  box->rank = rank;
  box->size = size;
  box->timeout_ms = timeout_ms;
  return box;
}

// Blocks until every rank has constructed its group over the same store (Gloo's full-mesh
// rendezvous), or fails after timeout_ms. hostname/interfaces choose the network device (see
// gloo_devices); threads is Gloo's worker thread count (<= 0: Gloo's default of 2).
ORC_API GroupBox* orc_pg_gloo_create(StoreBox* s, int32_t rank, int32_t size, int64_t timeout_ms,
                                     const char* hostname, const char* interfaces, int32_t threads) {
  ORC_TRY
  check_rank(rank, size);
  if (timeout_ms <= 0) throw std::invalid_argument("process group timeout must be positive");
  auto options = c10d::ProcessGroupGloo::Options::create(milliseconds(timeout_ms));
  options->devices = gloo_devices(hostname, interfaces);
  if (threads > 0) options->threads = threads;
  auto group = c10::make_intrusive<AbortableGloo>(s->store, rank, size, options);
  auto* box = new_group(group, "gloo", rank, size, timeout_ms);
  box->gloo = group.get();
  return box;
  ORC_CATCH(nullptr)
}

ORC_API int32_t orc_nccl_available() {
#ifdef USE_C10D_NCCL
  return 1;
#else
  return 0;
#endif
}

ORC_API GroupBox* orc_pg_nccl_create(StoreBox* s, int32_t rank, int32_t size, int64_t timeout_ms) {
  ORC_TRY
#ifdef USE_C10D_NCCL
  check_rank(rank, size);
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = milliseconds(timeout_ms);
  return new_group(c10::make_intrusive<c10d::ProcessGroupNCCL>(s->store, rank, size, options), "nccl", rank, size, timeout_ms);
#else
  throw std::runtime_error(
      "this libtorch has no NCCL: the shim was built without USE_C10D_NCCL (build against a CUDA libtorch, see docs/distributed.md)");
#endif
  ORC_CATCH(nullptr)
}

// Makes every pending and future collective of this rank fail at once (Gloo: closes the
// connections to the peers). Use when a peer is known dead, before freeing the group.
ORC_API void orc_pg_abort(GroupBox* g) {
  ORC_TRY
  // ProcessGroupNCCL has no public abort in 1.13: its watchdog aborts the communicators of a
  // timed-out collective when NCCL_ASYNC_ERROR_HANDLING=1 (see docs/distributed.md).
  g->aborted->store(true);
  if (g->gloo) g->gloo->closeConnections();
  return;
  ORC_CATCH()
}

// The group's destructor drains its queue and joins its threads, which waits for collectives
// in flight to end (at worst their timeout). An aborted group is destroyed on a detached thread
// so the survivor can go on at once; its tensors are freed when the stuck collective times out.
ORC_API void orc_pg_free(GroupBox* g) {
  ORC_TRY
  if (g->aborted->load()) {
    std::thread([g] { delete g; }).detach();
    return;
  }
  delete g;
  return;
  ORC_CATCH()
}


// NCCL averages natively; Gloo has no average, so it sums and the wait divides by the group size,
// which only makes sense for floating-point tensors. Returns whether the backend averages natively.
static bool check_average(const GroupBox* g, const std::vector<at::Tensor>& list, int32_t op) {
  const bool native_avg = g->backend == "nccl";
  if (op == kAvg && !native_avg)
    for (const auto& t : list)
      if (!at::isFloatingType(t.scalar_type()))
        throw std::invalid_argument("allreduce average needs floating-point tensors");
  return native_avg;
}

ORC_API WorkBox* orc_pg_allreduce(GroupBox* g, TensorHandle* tensors, int64_t count, int32_t op) {
  ORC_TRY
  auto list = tensors_of(tensors, count);
  const bool native_avg = check_average(g, list, op);
  c10d::AllreduceOptions options;
  options.reduceOp = to_reduce_op(op, native_avg);
  options.timeout = milliseconds(g->timeout_ms);
  auto* box = new_work(g, g->group->allreduce(list, options), "allreduce");
  if (op == kAvg && !native_avg) box->average_after = list;
  return box;
  ORC_CATCH(nullptr)
}

// One allreduce over several tensors of one dtype (a gradient bucket): Gloo flattens them into a
// single buffer, so the per-tensor latency is paid once.
ORC_API WorkBox* orc_pg_allreduce_coalesced(GroupBox* g, TensorHandle* tensors, int64_t count, int32_t op) {
  ORC_TRY
  auto list = tensors_of(tensors, count);
  const bool native_avg = check_average(g, list, op);
  c10d::AllreduceCoalescedOptions options;
  options.reduceOp = to_reduce_op(op, native_avg);
  options.timeout = milliseconds(g->timeout_ms);
  WorkBox* box;
  if (g->gloo) {
    box = new_work(g, g->group->allreduce_coalesced(list, options), "allreduce_coalesced");
  } else {
    // NCCL in 1.13 has no allreduce_coalesced: reduce one flat copy, unflatten after the wait.
    std::vector<at::Tensor> flats;
    for (const auto& t : list) flats.push_back(t.reshape({-1}));
    std::vector<at::Tensor> one{at::cat(flats)};
    c10d::AllreduceOptions single;
    single.reduceOp = options.reduceOp;
    single.timeout = options.timeout;
    box = new_work(g, g->group->allreduce(one, single), "allreduce_coalesced");
    box->flat = one[0];
    box->unflatten_into = list;
  }
  if (op == kAvg && !native_avg) box->average_after = list;
  return box;
  ORC_CATCH(nullptr)
}

ORC_API WorkBox* orc_pg_broadcast(GroupBox* g, TensorHandle* tensors, int64_t count, int32_t root) {
  ORC_TRY
  if (root < 0 || root >= g->size) throw std::invalid_argument("broadcast root " + std::to_string(root) + " is outside the group");
  auto list = tensors_of(tensors, count);
  c10d::BroadcastOptions options;
  options.rootRank = root;
  options.timeout = milliseconds(g->timeout_ms);
  return new_work(g, g->group->broadcast(list, options), "broadcast");
  ORC_CATCH(nullptr)
}

ORC_API WorkBox* orc_pg_barrier(GroupBox* g) {
  ORC_TRY
  c10d::BarrierOptions options;
  options.timeout = milliseconds(g->timeout_ms);
  return new_work(g, g->group->barrier(options), "barrier");
  ORC_CATCH(nullptr)
}

// Gathers `input` from every rank into `size` new tensors written to `outputs` (valid handles
// at once; their contents are defined after the work has been waited on).
ORC_API WorkBox* orc_pg_allgather(GroupBox* g, TensorHandle input, TensorHandle* outputs) {
  ORC_TRY
  std::vector<at::Tensor> inputs{*input};
  std::vector<std::vector<at::Tensor>> out(1);
  for (int i = 0; i < g->size; ++i) out[0].push_back(at::empty_like(*input, at::MemoryFormat::Contiguous));
  c10d::AllgatherOptions options;
  options.timeout = milliseconds(g->timeout_ms);
  auto* box = new_work(g, g->group->allgather(out, inputs, options), "allgather");
  for (int i = 0; i < g->size; ++i) outputs[i] = orc::wrap(out[0][i]);
  return box;
  ORC_CATCH(nullptr)
}

// Gathers `input` from every rank into `output`, which holds size * input.size(0) rows
// (all_gather_into_tensor). Gloo has no flat allgather in 1.13: gather into views of `output`.
ORC_API WorkBox* orc_pg_allgather_into(GroupBox* g, TensorHandle output, TensorHandle input) {
  ORC_TRY
  const auto& in = *input;
  const auto& flat = *output;
  if (!flat.is_contiguous()) throw std::invalid_argument("allgather output must be contiguous");
  if (in.dim() == 0 || flat.dim() != in.dim() || flat.size(0) != in.size(0) * g->size ||
      flat.sizes().slice(1) != in.sizes().slice(1) || flat.scalar_type() != in.scalar_type())
    throw std::invalid_argument("allgather output must have the input's dtype and trailing shape, and world_size * input rows");
  std::vector<at::Tensor> inputs{in};
  std::vector<std::vector<at::Tensor>> out(1);
  for (int i = 0; i < g->size; ++i) out[0].push_back(flat.narrow(0, i * in.size(0), in.size(0)));
  c10d::AllgatherOptions options;
  options.timeout = milliseconds(g->timeout_ms);
  return new_work(g, g->group->allgather(out, inputs, options), "allgather");
  ORC_CATCH(nullptr)
}

// ---------------------------------------------------------------------------------------------
// Work

// Waits up to timeout_ms (<= 0: the group's timeout). Raises with the collective's name on a
// timeout or a failure (a peer gone, connections aborted).
ORC_API void orc_work_wait(WorkBox* w, int64_t timeout_ms) {
  ORC_TRY
  if (timeout_ms <= 0) timeout_ms = w->timeout_ms;
  if (w->finished) return;
  // Wait in slices so that an abort from another thread ends the wait within one slice.
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(timeout_ms);
  const auto fail = [&](const std::string& what, const std::string& cause) {
    std::ostringstream s;
    s << "collective " << w->op << " " << what << " (" << describe(w) << ")";
    if (!cause.empty()) s << ": " << cause;
    throw std::runtime_error(s.str());
  };
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    const auto slice = std::min(std::chrono::duration_cast<milliseconds>(deadline - now), milliseconds(100));
    bool done;
    if (w->completion) {
      std::unique_lock<std::mutex> lock(w->completion->mutex);
      done = w->completion->done_cv.wait_for(lock, std::max(slice, milliseconds(0)), [&] { return w->completion->done; });
    } else {
      done = w->work->isCompleted();
      if (!done) std::this_thread::sleep_for(std::min(std::max(slice, milliseconds(0)), milliseconds(1)));
    }
    if (done) break;
    if (w->aborted->load()) fail("aborted", "the process group was aborted");
    if (std::chrono::steady_clock::now() >= deadline) fail("timed out after " + std::to_string(timeout_ms) + " ms", "");
  }
  // Done: collect the outcome (the future completes just before the work is marked finished).
  try {
    w->work->wait(milliseconds(10000));
  } catch (const std::exception& e) {
    const auto cause = cause_of(e);
    // Gloo's own deadline (the group timeout) expired inside the collective, or a peer failed.
    if (cause.find("imed out") != std::string::npos)
      fail("timed out after " + std::to_string(w->timeout_ms) + " ms", cause);
    fail("failed", cause);
  }
  if (w->flat.defined()) {
    int64_t offset = 0;
    for (auto& t : w->unflatten_into) {
      t.copy_(w->flat.narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
    w->flat = at::Tensor();
    w->unflatten_into.clear();
  }
  for (auto& t : w->average_after) t.div_(w->size);
  w->average_after.clear();
  w->finished = true;
  return;
  ORC_CATCH()
}

ORC_API int32_t orc_work_is_completed(WorkBox* w) {
  ORC_TRY
  return w->work->isCompleted() ? 1 : 0;
  ORC_CATCH(0)
}

ORC_API void orc_work_free(WorkBox* w) { delete w; }
