// Event kernel benchmarks: the classic "hold model" (keep N events pending; pop one, schedule one
// at now + a random exponential delay), with and without cancelled timers.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/kernel.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace {

using peerlab::sim::EventHandle;
using peerlab::sim::Kernel;
using peerlab::sim::kTimeMax;
using peerlab::sim::Rng;
using peerlab::sim::Time;

// Exponential delays with a mean of 1 ms, drawn from a precomputed table so that the benchmark
// measures the kernel, not std::log.
class Delays {
 public:
  explicit Delays(std::uint64_t seed) : rng_(seed) {
    Rng init(seed ^ 0x5eed);
    for (Time& d : table_) {
      const double u = (static_cast<double>(init.next() >> 11) + 0.5) * 0x1.0p-53;
      d = static_cast<Time>(-std::log(u) * 1000.0);
    }
  }
  Time next() {
    const std::uint64_t x = rng_.next();
    return table_[x & (kSize - 1)] + static_cast<Time>((x >> 32) & 63);
  }

 private:
  static constexpr std::size_t kSize = 4096;
  Rng rng_;
  std::array<Time, kSize> table_{};
};

constexpr std::uint64_t kBatch = 1 << 16;

void BM_KernelHold(benchmark::State& state) {
  const auto pending = static_cast<std::uint32_t>(state.range(0));
  Kernel kernel;
  kernel.reserve(pending);
  Delays delays(1);
  for (std::uint32_t i = 0; i < pending; ++i) kernel.schedule(delays.next(), 0, i, 0);
  auto handler = [&](Kernel& k, const peerlab::sim::Event& e) {
    k.schedule_in(delays.next(), e.kind, e.target, e.arg + 1);
  };
  for (auto _ : state) {
    kernel.run_until(kTimeMax, kBatch, handler);
  }
  benchmark::DoNotOptimize(kernel.fingerprint());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.counters["pending"] = static_cast<double>(kernel.pending_count());
}
BENCHMARK(BM_KernelHold)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

// BGP-like timer churn: N sessions, each with a pending message event and a pending hold timer.
// Every message restarts its session's hold timer (cancel + schedule), so half of all scheduled
// events are cancelled and the heap carries tombstones until compaction. Items = fired events.
void BM_KernelHoldHalfCancelled(benchmark::State& state) {
  const auto sessions = static_cast<std::uint32_t>(state.range(0));
  constexpr Time kHoldTime = 90 * peerlab::sim::kSecond;
  Kernel kernel;
  kernel.reserve(3 * std::size_t{sessions});
  Delays delays(2);
  std::vector<EventHandle> hold(sessions);
  for (std::uint32_t i = 0; i < sessions; ++i) {
    kernel.schedule(delays.next(), 0, i, 0);
    hold[i] = kernel.schedule(kHoldTime, 1, i, 0);
  }
  auto handler = [&](Kernel& k, const peerlab::sim::Event& e) {
    if (e.kind == 0) {
      k.cancel(hold[e.target]);
      hold[e.target] = k.schedule_in(kHoldTime, 1, e.target, 0);
      k.schedule_in(delays.next(), 0, e.target, e.arg + 1);
    }
  };
  const peerlab::sim::KernelStats before = kernel.stats();
  for (auto _ : state) {
    kernel.run_until(kTimeMax, kBatch, handler);
  }
  benchmark::DoNotOptimize(kernel.fingerprint());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  const peerlab::sim::KernelStats& after = kernel.stats();
  state.counters["cancelled_share"] = static_cast<double>(after.cancelled - before.cancelled) /
                                      static_cast<double>(after.scheduled - before.scheduled);
  state.counters["compactions"] = static_cast<double>(after.compactions - before.compactions);
}
BENCHMARK(BM_KernelHoldHalfCancelled)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

}  // namespace

namespace {

// The same churn with re-armable timers (Kernel::arm): a restart is no queue operation.
void BM_KernelHoldRearmedTimers(benchmark::State& state) {
  const auto sessions = static_cast<std::uint32_t>(state.range(0));
  constexpr Time kHoldTime = 90 * peerlab::sim::kSecond;
  Kernel kernel;
  kernel.reserve(2 * std::size_t{sessions});
  Delays delays(2);
  std::vector<Kernel::TimerId> hold(sessions);
  for (std::uint32_t i = 0; i < sessions; ++i) {
    kernel.schedule(delays.next(), 0, i, 0);
    hold[i] = kernel.new_timer(1, i);
    kernel.arm(hold[i], kHoldTime);
  }
  auto handler = [&](Kernel& k, const peerlab::sim::Event& e) {
    if (e.kind == 0) {
      k.arm(hold[e.target], k.now() + kHoldTime);
      k.schedule_in(delays.next(), 0, e.target, e.arg + 1);
    }
  };
  for (auto _ : state) {
    kernel.run_until(kTimeMax, kBatch, handler);
  }
  benchmark::DoNotOptimize(kernel.fingerprint());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_KernelHoldRearmedTimers)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

}  // namespace
