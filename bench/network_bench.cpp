// Cold start of a full iBGP mesh to convergence: OPEN/KEEPALIVE handshakes, UPDATEs, the decision
// process; one /26 per node. Reports sessions and events per second. (docs/performance.md)
#include <benchmark/benchmark.h>

#include <algorithm>

#include "sim/network.hpp"
#include "topology/peerings.hpp"

namespace {

peerlab::Topology mesh(int n) {
  peerlab::Topology t;
  peerlab::IpPool pool;
  pool.cidr = *peerlab::parse_prefix("10.128.0.0/9");
  t.pools.push_back(pool);
  for (int i = 0; i < n; ++i) {
    peerlab::Node node;
    char name[32];
    std::snprintf(name, sizeof name, "node-%05d", i);
    node.name = name;
    node.ipv4_address = peerlab::Prefix{peerlab::IpAddr::v4((10u << 24) | static_cast<unsigned>(i + 1)), 8};
    t.nodes.push_back(node);
  }
  return t;
}

void BM_FullMeshColdStart(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto t = mesh(n);
  auto speakers = peerlab::derive_speakers(t);
  std::uint64_t events = 0;
  for (auto _ : state) {
    peerlab::sim::Network net(t, speakers);
    auto r = net.run();
    if (r.outcome != peerlab::sim::Outcome::Converged) state.SkipWithError("did not converge");
    events += net.counters().events;
  }
  state.counters["sessions"] = static_cast<double>(n) * (n - 1) / 2;
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FullMeshColdStart)->Arg(50)->Arg(100)->Arg(200)->Arg(400)->Unit(benchmark::kMillisecond);

// An hour of steady state after the cold start of a full mesh (cold start not timed): with
// keepalives as events (arg 1 = 0) every session end sends one every 22.5-30 s, two events each;
// with analytic keepalives (arg 1 = 1, the default) none, and the hour costs only the counting.
void BM_FullMeshSteadyHour(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto t = mesh(n);
  auto speakers = peerlab::derive_speakers(t);
  peerlab::sim::SimOptions o;
  o.analytic_keepalives = state.range(1) != 0;
  std::uint64_t keepalives = 0, events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    peerlab::sim::Network net(t, speakers, o);
    net.run();
    const auto events_before = net.counters().events, keepalives_before = net.counters().keepalives;
    state.ResumeTiming();
    net.run_until(net.now() + peerlab::sim::kHour);
    keepalives += net.counters().keepalives - keepalives_before;
    events += net.counters().events - events_before;
  }
  state.counters["keepalives"] =
      static_cast<double>(keepalives) / static_cast<double>(std::max<std::int64_t>(state.iterations(), 1));
  state.counters["events"] =
      static_cast<double>(events) / static_cast<double>(std::max<std::int64_t>(state.iterations(), 1));
}
BENCHMARK(BM_FullMeshSteadyHour)
    ->ArgsProduct({{50, 200}, {0, 1}})
    ->ArgNames({"nodes", "analytic"})
    ->Unit(benchmark::kMillisecond);

void BM_DeriveSpeakersFullMesh(benchmark::State& state) {
  auto t = mesh(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(peerlab::derive_speakers(t));
}
BENCHMARK(BM_DeriveSpeakersFullMesh)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
