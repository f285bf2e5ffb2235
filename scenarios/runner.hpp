// Running a scenario: load its topology, simulate from power-on, apply each step at its time
// (calicoctl commands through the calicoctl library on the live model, re-derived and handed to
// the simulator as a reconfigure — style.md's "config change reaches the simulator as a diff";
// faults through the Network's fault calls), and evaluate the expectations.
//
// Time: the run advances event time by event time (Network::run_until on next_event_time), so
// that every moment at which something observable changes is an observation point: a window
// expectation is checked at each of them, and continuity (reachability over a window) sees every
// gap however short. After the last step and the last point in time an expectation names, the run
// goes on until the network converges (or the scenario's `until`, or a limit), and that is `end`.
//
// The runner reads no files itself: it is given a FileReader, so the same code runs files from
// disk, the embedded default, and fuzzed input.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"
#include "sim/network.hpp"
#include "topology/ctl.hpp"
#include "topology/model.hpp"
#include "validators/finding.hpp"

namespace peerlab::scenarios {

// Reads a file named relative to the scenario (already joined with its directory); nullopt when
// it cannot be read.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;
// The reader of the real file system.
FileReader disk_reader();

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's
  // Reachability is walked at every observation point while the topology has at most this many
  // Calico nodes (the walk is nodes² per point); above it only where an expectation needs it.
  std::size_t timeline_reachability_max_nodes = 200;
  // Called now and then with the simulated time and events so far, for a progress line.
  std::function<void(Time now, std::uint64_t events)> progress;
};

// What one step did.
struct StepRecord {
  Time at = 0;
  std::string text;  // describe(step)
  std::string note;  // the step's `note:`
  SourceLoc loc;
  bool ok = true;     // the command exited as expected, or the fault's target exists
  std::string error;  // why not
  // calicoctl steps: the command and its result, for reports/ctl_output to print.
  std::optional<CtlCommand> command;
  std::optional<CtlResult> result;
  // `calicoctl node status` steps: the node's sessions at that moment.
  std::string status_node;
  std::vector<sim::SessionStatus> status_sessions;
  Time status_uptime = 0;
};

// A stretch of time during which something expected did not hold; `to` absent = until the end.
struct Interval {
  Time from = 0;
  std::optional<Time> to;
};

// A pair that lost reachability during a window, and when.
struct PairGap {
  std::string from, to;
  std::vector<Interval> gaps;
  std::string detail;  // how the first failing walk ended ("blackhole at Node2: no route …")
};

struct ExpectationResult {
  std::string name;
  std::string kind;  // "sessions", "reachability", "status", "routes", "converged", "finding"
  SourceLoc loc;
  std::string when;  // "at 30s", "during [0s, end]"
  bool passed = false;
  Time checked_at = 0;                // the point, or the first violation in a window
  std::string message;                // one line: what held, or what failed and when
  std::vector<std::string> evidence;  // the details (rows missing, pairs and paths, …)
  std::vector<Interval> violations;   // for windows: when it did not hold
  std::vector<PairGap> pair_gaps;     // for reachability windows
};

// The network observed at one observation point (after all events at `t`).
struct TimelineSample {
  Time t = 0;
  std::size_t sessions = 0, established = 0;    // session ends configured, and Established
  std::optional<std::size_t> pairs, delivered;  // reachability, when walked at this point
  std::size_t best_routes = 0;                  // best routes over all speakers
  std::uint64_t messages = 0;                   // BGP messages sent so far (cumulative)
  std::uint64_t updates = 0;                    // of which UPDATEs
};

enum class Verdict : std::uint8_t { Passed, Failed, Error };
std::string_view to_string(Verdict v);  // "passed", "failed", "error"

struct ScenarioResult {
  std::string name, file, description;
  std::uint64_t seed = 1;
  Verdict verdict = Verdict::Error;
  Diagnostics diagnostics;  // why the scenario could not run (Verdict::Error), and warnings
  sim::Outcome outcome = sim::Outcome::TimeLimit;
  Time end = 0;                      // simulated time at the end
  std::optional<Time> converged_at;  // the final convergence, when converged
  std::uint64_t events = 0;
  std::uint64_t fingerprint = 0;
  sim::NetworkCounters counters;
  std::vector<StepRecord> steps;
  std::vector<ExpectationResult> expectations;
  std::vector<TimelineSample> timeline;
  std::vector<validators::Finding> findings;  // static lint of the final model
  std::size_t failed_expectations() const;
};

// A finished run: the result, and the final model and network for reports (graph, status tables).
struct ScenarioRun {
  ScenarioResult result;
  Topology model;                         // the model at the end (after every calicoctl step)
  std::unique_ptr<sim::Network> network;  // null when the scenario could not start
};

ScenarioRun run_scenario(const Scenario& scenario, const FileReader& read, const RunOptions& options = {});

// Parses and runs a file in one call (diagnostics of the scenario file land in the result).
ScenarioRun run_scenario_file(const std::string& path, const FileReader& read,
                              const RunOptions& options = {});

}  // namespace peerlab::scenarios
