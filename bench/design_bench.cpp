// Cold start to convergence of each generated design (sim/sweep.hpp maps a node count onto each
// generator), the decision process, and attribute interning. Sizes are modest so that the whole
// suite runs in minutes; `peerlab bench` sweeps larger ones (docs/performance.md).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "sim/bgp_attrs.hpp"
#include "sim/bgp_decision.hpp"
#include "sim/network.hpp"
#include "sim/sweep.hpp"
#include "topology/generators.hpp"
#include "topology/peerings.hpp"

namespace {

using peerlab::sim::Network;

peerlab::Topology generated(const std::string& model, std::size_t nodes) {
  peerlab::Diagnostics diags;
  auto resources = peerlab::generate(model, peerlab::sim::sweep_params(model, nodes, {}), diags);
  peerlab::Topology t;
  peerlab::add_resources(t, resources, diags);
  return t;
}

void cold_start(benchmark::State& state, const std::string& model) {
  const auto t = generated(model, static_cast<std::size_t>(state.range(0)));
  const auto speakers = peerlab::derive_speakers(t);
  std::uint64_t events = 0, messages = 0;
  for (auto _ : state) {
    Network net(t, speakers);
    if (net.run().outcome != peerlab::sim::Outcome::Converged) state.SkipWithError("did not converge");
    const auto& c = net.counters();
    events += c.events;
    messages += c.opens + c.updates + c.keepalives + c.notifications;
  }
  state.counters["speakers"] = static_cast<double>(speakers.size());
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["messages"] =
      benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kAvgIterations);
}

void BM_ColdStartFullMesh(benchmark::State& s) {
  cold_start(s, "full-mesh");
}
void BM_ColdStartRouteReflectors(benchmark::State& s) {
  cold_start(s, "route-reflectors");
}
void BM_ColdStartAsPerRack(benchmark::State& s) {
  cold_start(s, "as-per-rack");
}
void BM_ColdStartAsPerComputeServer(benchmark::State& s) {
  cold_start(s, "as-per-compute-server");
}
BENCHMARK(BM_ColdStartFullMesh)->Arg(50)->Arg(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ColdStartRouteReflectors)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ColdStartAsPerRack)->Arg(80)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ColdStartAsPerComputeServer)->Arg(80)->Arg(1000)->Unit(benchmark::kMillisecond);

// The decision process over N candidates for one prefix that differ only in the last rules
// (same local preference and AS path length: the tie-breaks decide).
void BM_DecisionProcess(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  std::vector<peerlab::bgp::PathAttributes> attrs(n);
  std::vector<peerlab::bgp::Candidate> candidates(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    attrs[i].as_path = {65000 + i % 7};
    attrs[i].next_hop = peerlab::IpAddr::v4((10u << 24) | (i + 1));
    attrs[i].local_pref = 100;
    candidates[i].attrs = &attrs[i];
    candidates[i].peer = i;
    candidates[i].peer_address = attrs[i].next_hop;
    candidates[i].peer_router_id = (10u << 24) | ((i * 2654435761u) & 0xFFFFFF);
    candidates[i].peer_as = 65000 + i % 7;
    candidates[i].ebgp = true;
  }
  for (auto _ : state) benchmark::DoNotOptimize(peerlab::bgp::select_best(candidates));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_DecisionProcess)->Arg(2)->Arg(16)->Arg(1000);

// Interning: N distinct attribute sets (as a route reflector sees them), then looking them up again.
void BM_AttributeInterning(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  std::vector<peerlab::bgp::PathAttributes> attrs(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    attrs[i].next_hop = peerlab::IpAddr::v4((10u << 24) | (i + 1));
    attrs[i].originator_id = (10u << 24) | (i + 1);
    attrs[i].cluster_list = {1};
    attrs[i].local_pref = 100;
  }
  for (auto _ : state) {
    peerlab::bgp::AttrTable table;
    for (const auto& a : attrs) benchmark::DoNotOptimize(table.intern(a));
    for (const auto& a : attrs) benchmark::DoNotOptimize(table.intern(a));  // hits
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * n);
}
BENCHMARK(BM_AttributeInterning)->Arg(1'000)->Arg(100'000);

}  // namespace
