// A scenario: a topology, a timeline of steps (calicoctl commands as an operator types them, and
// faults) at simulated times, and expectations that must hold at a time or over a window
// (style.md practice 10: the topology file carries no experiment parameters; the scenario does).
//
// The file is a peerlab/v1 `Scenario` document (docs/scenarios.md has the format):
//
//   apiVersion: peerlab/v1
//   kind: Scenario
//   metadata: {name: mesh-to-route-reflectors}
//   spec:
//     topology: ../examples/doc-cluster.yaml   # a path relative to this file, or `|` documents
//     seed: 1
//     timers: bird                              # or calico (calico/node's v3 template)
//     limits: {time: 1h, events: 50000000}
//     steps:
//       - at: 30s
//         run: calicoctl create -f rr-peers.yaml
//       - at: 60s
//         stop: Node3                            # stop/start, fail/recover, link/segment down/up
//     expect:
//       - during: [0s, end]
//         reachability: continuous
//
// Parsing follows the topology loader: plain structs with source positions, every problem
// collected as a diagnostic (codes E5xx, docs/scenarios.md), never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/time.hpp"
#include "topology/diagnostics.hpp"
#include "topology/ip.hpp"

namespace peerlab::scenarios {

using sim::Time;

// A point in simulated time: an offset from the start, or the end of the run.
struct TimePoint {
  bool end = false;
  Time at = 0;
  bool operator==(const TimePoint&) const = default;
};

// ---- steps -----------------------------------------------------------------------------------

// A calicoctl command line exactly as typed ("calicoctl config set nodeToNodeMesh off"). File
// arguments are relative to the scenario file.
struct CtlStep {
  std::string line;
  int expect_exit = 0;  // `exit:`; a step whose command exits otherwise fails the scenario
};

enum class FaultKind : std::uint8_t {
  Stop,     // the BGP process is killed: its TCP connections close at once
  Start,    // and started again
  Fail,     // the host goes silent (powered off): peers notice by hold timer
  Recover,  // the host returns
  LinkDown,
  LinkUp,
  SegmentDown,
  SegmentUp,
};
std::string_view to_string(FaultKind k);  // the YAML key: "stop", "link-down", …

struct FaultStep {
  FaultKind kind = FaultKind::Stop;
  std::string target;  // node, router, link or segment name
};

struct Step {
  TimePoint at;
  std::variant<CtlStep, FaultStep> action;
  std::string note;  // `note:`: why the operator does this (reports show it)
  SourceLoc loc;
};

// The text of a step as a report shows it: the command line, or "stop Node3".
std::string describe(const Step& s);

// ---- expectations ----------------------------------------------------------------------------

// Sessions: every configured session (both ends) Established, or those of one node, or one
// session named by node and peer address, in a given state.
struct SessionsExpectation {
  std::optional<std::string> node;
  std::optional<IpAddr> peer;
  // "Established" (the default), or another FSM state name, or calico's "up"/"start"/"down".
  std::string state = "Established";
};

// Reachability: the data-plane walk (validators/checks.hpp). `full` = every pair delivered; a
// pair = from one node to another node's blocks. Over a window, `full` is continuity: no pair
// loses reachability at any moment of the window.
struct ReachabilityExpectation {
  std::optional<std::string> from;
  std::optional<std::string> to;
  bool reachable = true;  // `unreachable` states the opposite (for teaching what breaks)
};

// One row of `calicoctl node status` that must be present. Empty cells match anything.
struct StatusRow {
  std::string peer_address, peer_type, state, info;
};
struct StatusExpectation {
  std::string node;
  std::vector<StatusRow> rows;
};

// Route counts: best routes in a speaker's table (one per prefix), optionally one prefix.
struct RoutesExpectation {
  std::string node;
  std::optional<std::size_t> best;      // exactly
  std::optional<std::size_t> at_least;  // `min:`
  std::optional<std::size_t> at_most;   // `max:`
  std::optional<Prefix> prefix;         // `has: 10.0.0.0/26` (present) …
  bool prefix_present = true;           // … or `lacks:` (absent)
};

// The network converges within `within` of the last step (or of the start, without steps).
struct ConvergedExpectation {
  Time within = 0;
};

// A static finding (validators/lint.hpp, L codes) present or absent on the model at that time.
struct FindingExpectation {
  std::string code;
  bool present = true;
};

using ExpectationKind = std::variant<SessionsExpectation, ReachabilityExpectation, StatusExpectation,
                                     RoutesExpectation, ConvergedExpectation, FindingExpectation>;

struct Expectation {
  std::string name;  // `name:`, or generated from the kind ("all sessions Established")
  // Exactly one of: `at` (a point) or `during` (a closed window [from, to]). Converged has neither.
  std::optional<TimePoint> at;
  std::optional<std::pair<TimePoint, TimePoint>> during;
  ExpectationKind kind;
  SourceLoc loc;
};

// ---- the scenario ----------------------------------------------------------------------------

enum class TimerProfile : std::uint8_t { Bird, Calico };

struct Scenario {
  std::string name;
  std::string description;  // `spec.description` (the teaching text)
  std::string file;         // the scenario's path as given
  // The topology: a path relative to the scenario file, or inline documents.
  std::string topology_path;
  std::string topology_inline;
  SourceLoc topology_loc;  // where the inline text starts (its first line), for diagnostics
  std::uint64_t seed = 1;
  std::optional<TimerProfile> timers;  // overrides the topology's TimerSettings profile
  std::optional<Time> time_limit;
  std::optional<std::uint64_t> event_limit;
  // How long the run goes on after its last step or point in time, at most: the run ends at
  // convergence after the last timed item, or at this much past it.
  std::optional<Time> until;
  std::vector<Step> steps;                // sorted by time (stable for equal times)
  std::vector<Expectation> expectations;  // in file order
  SourceLoc loc;
};

struct ParsedScenario {
  std::optional<Scenario> scenario;  // absent when there are errors
  Diagnostics diagnostics;
};

// Parses a scenario file's text; `filename` is used for diagnostics and as the base of relative
// paths.
ParsedScenario parse_scenario(std::string_view text, const std::string& filename);

}  // namespace peerlab::scenarios
