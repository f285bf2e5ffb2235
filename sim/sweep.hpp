// Scale sweeps: generate a design at several sizes, simulate each cold start to convergence, and
// measure what it cost — the engine behind `peerlab bench` (reports/bench_report.hpp formats it).
//
// Each size runs in a forked child process, so that its peak memory (the child's ru_maxrss) is its
// own and a large size cannot inherit a smaller one's heap; the child sends its figures back over a
// pipe. Simulated quantities (sessions, messages, convergence time, routes) are deterministic for a
// seed; wall time and memory are measurements and vary with the machine and its load.
//
// Sizes map onto each generator as follows (topology/generators.hpp):
//   full-mesh                nodes = N
//   route-reflectors         clients = N, 2 reflectors (Calico nodes)
//   as-per-rack              racks of 40 nodes (one rack of N when N < 40), 4 spines
//   as-per-compute-server    the same racks, one ToR per rack, 4 spines
// Extra generator parameters (e.g. reflectors=4) override these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel.hpp"

namespace peerlab::sim {

struct SweepPoint {
  std::size_t nodes = 0;       // Calico nodes actually generated
  std::size_t speakers = 0;    // BGP speakers (nodes and fabric routers)
  std::size_t sessions = 0;    // sessions Established at the end (both ends counted once)
  std::uint64_t messages = 0;  // BGP messages sent (OPEN, UPDATE, KEEPALIVE, NOTIFICATION)
  std::uint64_t updates = 0;
  std::uint64_t events = 0;  // kernel events fired
  bool converged = false;
  // How the run ended: converged, or the limit that stopped it (time limit, event limit).
  Outcome outcome = Outcome::Stopped;
  double converged_at_s = 0;         // simulated time of the last change
  double wall_s = 0;                 // wall time of Network construction + run to convergence
  double setup_s = 0;                // wall time of generation, validation and peering derivation
  std::uint64_t peak_rss_bytes = 0;  // of the whole process (forked child) measuring this size
  double routes_per_node = 0;        // best routes per Calico node, on average
  std::string error;                 // non-empty when this size could not be measured
};

struct SweepOptions {
  std::string model;                                        // full-mesh, route-reflectors, …
  std::vector<std::pair<std::string, std::string>> params;  // extra generator parameters
  std::uint64_t seed = 1;
  bool isolate = true;           // one forked child per size (peak memory per size); false: in-process
  bool detailed_timers = false;  // SimOptions::detailed_timers, to measure what the timer model saves
  // SimOptions::event_limit. Higher than the simulator's default: a cold start of 10,000
  // reflector clients alone delivers 2·10^8 UPDATEs (each client every route from each reflector).
  std::uint64_t event_limit = 1'000'000'000;
};

// The generator parameters for `nodes` nodes of `model` (see the table above), then `extra`.
std::vector<std::pair<std::string, std::string>> sweep_params(
    const std::string& model, std::size_t nodes,
    const std::vector<std::pair<std::string, std::string>>& extra);

// Measures one size. With isolate, in a forked child (peak_rss_bytes is then the child's).
SweepPoint measure(const SweepOptions& options, std::size_t nodes);

// Least-squares fit of log(y) = a + k log(x) over the points with x > 0 and y > 0: y ≈ c · x^k.
struct PowerFit {
  double exponent = 0;     // k
  double coefficient = 0;  // c
  double r2 = 0;           // coefficient of determination of the log-log fit
  std::size_t points = 0;
};
// nullopt with fewer than two usable points or when every usable x is the same.
std::optional<PowerFit> fit_power_law(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace peerlab::sim
