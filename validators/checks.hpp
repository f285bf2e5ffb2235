// Checks on the simulated network: the verdict of `peerlab check` beyond static lint.
//
// - Sessions (S): every configured session Established after convergence, or why not.
// - Reachability (R): a data-plane walk, not just "a route exists". From every Calico node to every
//   workload block, follow each hop's best route (longest prefix match) and resolve its next hop
//   through the underlay: a next hop on a shared segment is the next hop host; one that is not
//   goes to the first router on the underlay path (the node's gateway, as `gateway recursive`
//   resolves through the kernel's routes), which routes by its own table. The walk ends delivered
//   at the block's owner, or in a blackhole (no route), a loop (a hop seen twice), or an
//   unreachable next hop (no path in the underlay).
// - Scale (K): sessions per node and in total, routes per speaker, update messages and time to
//   converge, against limits.
// - Convergence (V): did it converge, and when; does it oscillate (best paths that keep changing
//   after the run, sampled window by window).
// - Failures (F): the session and reachability checks again with every single (or pair of) route
//   reflector, ToR, spine or link failed; names the failures that break reachability.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/network.hpp"
#include "topology/model.hpp"
#include "validators/finding.hpp"

namespace peerlab::validators {

// ---- reachability ----------------------------------------------------------------------------

enum class WalkResult : std::uint8_t { Delivered, Blackhole, Loop, UnreachableNextHop, SourceDown };
std::string_view to_string(
    WalkResult r);  // "delivered", "blackhole", "loop", "unreachable next hop", "source down"

struct Walk {
  std::string from;  // source node
  std::string to;    // the node owning the block
  Prefix block;
  WalkResult result = WalkResult::Delivered;
  std::vector<std::string> path;  // speakers visited, in order
  std::string detail;             // where and why it failed
};

// The matrix of the walks, per source and destination node for a small design, and per group at
// size: row = where the walk starts, column = the node owning the block.
struct ReachabilityCell {
  std::size_t pairs = 0, delivered = 0;
  std::optional<WalkResult> failure;  // the first failing walk's result, when some walk failed
};
struct ReachabilitySummary {
  // "node" (≤ kFullMatrixNodes Calico nodes), else "rack" (every node has a `rack` label),
  // "segment" (every node's address sits on a Segment) or "AS" (the node's AS number).
  std::string grouping;
  std::vector<std::string> groups;                   // row and column labels, sorted
  std::vector<std::vector<ReachabilityCell>> cells;  // [from][to], groups.size() squared
};
inline constexpr std::size_t kFullMatrixNodes = 16;

struct ReachabilityMatrix {
  std::size_t pairs = 0;
  std::size_t delivered = 0;
  std::vector<Walk> failures;  // every failing walk
  ReachabilitySummary summary;
};

// Walks from every running Calico node to every block originated by another Calico node.
ReachabilityMatrix reachability(const Topology& topology, const sim::Network& net);

// ---- the check -------------------------------------------------------------------------------

struct ScaleLimits {
  std::size_t max_sessions_per_node = 100;     // Calico: full mesh up to ~100 nodes
  std::size_t max_routes_per_router = 128000;  // Calico: "reasonable upper limit today of 128,000"
  std::size_t max_routes_per_node = 128000;
  std::int64_t max_convergence_ms = 60'000;
  // Where each limit came from, as the findings cite it: a position in the file
  // ("design.yaml:12:3", from a CheckLimits resource) or a flag ("--max-sessions-per-node").
  // Empty: the default when the value is the default, else set by the caller.
  std::string sessions_from, routes_per_router_from, routes_per_node_from, convergence_from;
};

// Takes every limit the file's CheckLimits sets (a flag given on the command line is applied
// after, and so wins): CLI flag > file > default.
void apply_file_limits(ScaleLimits& limits, const CheckLimitSettings& file);

// "limit 100 (default, Calico docs: full mesh up to ~100 nodes)", "limit 3 from design.yaml:12:3".
std::string describe_limit(const std::string& value, const std::string& from, bool is_default,
                           std::string_view default_note);

struct CheckOptions {
  std::uint64_t seed = 1;
  int blocks_per_node = 1;
  int failures = 0;  // 0, 1 or 2 elements failed at a time
  ScaleLimits limits;
  std::size_t max_listed = 20;  // failing pairs listed per finding; the rest are counted
  // V102: after the run, best paths are watched for `oscillation_span` (after convergence) or over
  // the last `oscillation_span` of a run that did not converge, sampled every `oscillation_step`;
  // a speaker's prefix whose best path changed in `oscillation_changes` samples or more oscillates.
  sim::Time oscillation_span = 60 * sim::kSecond;  // a stable design costs this much more simulated time
  sim::Time oscillation_step = 1 * sim::kSecond;
  std::size_t oscillation_changes = 3;
  std::optional<sim::Time> time_limit;  // the simulation's time limit (default: sim::SimOptions)
};

struct CheckSummary {
  std::size_t speakers = 0, sessions = 0, established = 0;
  std::size_t pairs = 0, delivered = 0;
  std::optional<std::int64_t> converged_ms;
  std::string outcome;
  std::size_t failure_cases = 0;
  ReachabilitySummary matrix;
};

struct CheckResult {
  std::vector<Finding> findings;
  CheckSummary summary;
};

// Simulates `t` to convergence and runs the S, R, K and V checks (and F with options.failures).
CheckResult check_simulated(const Topology& t, const CheckOptions& options);

// The catalogue entries of the simulation checks, for docs and reports.
struct CheckRule {
  std::string code, title;
  FindingSeverity severity;
  std::string explanation, fix;
};
const std::vector<CheckRule>& check_rules();

}  // namespace peerlab::validators
