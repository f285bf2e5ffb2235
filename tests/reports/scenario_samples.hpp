// Scenario runs built by hand for the report tests (no scenario runner involved): real topologies
// from tests/sim/topologies simulated with sim::Network, a timeline sampled every 100 ms of
// simulated time, calicoctl steps executed through the calicoctl library, and expectation results
// written out as the runner would write them. Shared by the report tests
// (scenario_report_test.cpp) and by write_report_samples.cpp, which writes the JSON, JUnit and
// HTML outputs for the Python and Chromium checks.
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "scenarios/runner.hpp"
#include "topology/ctl.hpp"
#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"
#include "validators/lint.hpp"

namespace peerlab::reports::samples {

using scenarios::ExpectationResult;
using scenarios::Interval;
using scenarios::PairGap;
using scenarios::ScenarioRun;
using scenarios::StepRecord;
using scenarios::TimelineSample;
using scenarios::Verdict;
using sim::kMillisecond;
using sim::kSecond;

inline Topology load_topology(const std::string& relative) {
  std::ifstream in(std::string(PEERLAB_SOURCE_DIR) + "/" + relative);
  if (!in) throw std::runtime_error("cannot read " + relative);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_resources(ss.str(), relative);
  Topology t;
  Diagnostics d;
  add_resources(t, parsed.resources, d);
  validate(t, ValidationMode::Strict, d);
  if (parsed.diagnostics.has_errors() || d.has_errors())
    throw std::runtime_error(parsed.diagnostics.to_string() + d.to_string());
  return t;
}

// The network now, as the runner's timeline records it. `down` pairs are taken off the 20
// node-to-block pairs of a five-node mesh (a stand-in for the data-plane walk).
inline TimelineSample sample(const sim::Network& net, std::size_t pairs, std::size_t down) {
  TimelineSample s;
  s.t = net.now();
  for (sim::SpeakerId id = 0; id < net.speaker_count(); ++id) {
    for (const auto& x : net.sessions(id)) {
      ++s.sessions;
      s.established += x.state == bgp::State::Established;
    }
    s.best_routes += net.best_route_count(id);
  }
  s.pairs = pairs;
  s.delivered = pairs - down;
  const auto& c = net.counters();
  s.messages = c.opens + c.updates + c.keepalives + c.notifications;
  s.updates = c.updates;
  return s;
}

// Runs the network to `until`, sampling every 100 ms.
inline void advance(ScenarioRun& run, sim::Time until, std::size_t down = 0) {
  auto& net = *run.network;
  for (sim::Time t = net.now() + 100 * kMillisecond; t <= until; t += 100 * kMillisecond) {
    net.run_until(t);
    run.result.timeline.push_back(sample(net, 20, down));
  }
}

inline StepRecord ctl_step(ScenarioRun& run, sim::Time at, const std::string& line, int line_no) {
  StepRecord s;
  s.at = at;
  s.text = line;
  s.loc = {run.result.file, line_no, 9};
  auto parsed = parse_ctl_line(line);
  auto* cmd = std::get_if<CtlCommand>(&parsed);
  if (!cmd) throw std::runtime_error("bad calicoctl line " + line);
  s.command = *cmd;
  s.result = execute(*cmd, run.model, nullptr);
  s.ok = s.result->exit_code == 0;
  if (!s.ok) s.error = "calicoctl exited with " + std::to_string(s.result->exit_code) + ", expected 0";
  return s;
}

inline void finish(ScenarioRun& run) {
  auto& r = run.result;
  auto& net = *run.network;
  r.end = net.now();
  r.events = net.counters().events;
  r.counters = net.counters();
  r.fingerprint = net.fingerprint();
  r.findings = validators::lint(run.model);
  validators::sort_findings(r.findings);
  r.verdict = r.failed_expectations() == 0 &&
                      std::all_of(r.steps.begin(), r.steps.end(), [](const auto& s) { return s.ok; })
                  ? Verdict::Passed
                  : Verdict::Failed;
}

inline ScenarioRun start(const std::string& name, const std::string& topology) {
  ScenarioRun run;
  run.model = load_topology(topology);
  run.network = std::make_unique<sim::Network>(run.model, derive_speakers(run.model));
  run.result.name = name;
  run.result.file = "scenarios/" + name + ".yaml";
  run.result.seed = 7;
  return run;
}

// A five-node mesh comes up (by 4.8s); `calicoctl get nodes` at 6s, `calicoctl node status` on n1 at
// 7s; every
// expectation holds.
inline ScenarioRun passed_run() {
  auto run = start("mesh-comes-up", "tests/sim/topologies/mesh5.yaml");
  auto& r = run.result;
  r.description = "Five nodes in one AS on one subnet: the node-to-node mesh comes up on its own.";
  advance(run, 6 * kSecond);
  r.steps.push_back(ctl_step(run, 6 * kSecond, "calicoctl get nodes", 9));
  advance(run, 7 * kSecond);
  StepRecord status;
  status.at = 7 * kSecond;
  status.text = "calicoctl node status";
  status.loc = {r.file, 11, 9};
  status.status_node = "n1";
  status.status_sessions = run.network->sessions(*run.network->find_speaker("n1"));
  status.status_uptime = run.network->now();
  r.steps.push_back(status);
  advance(run, 8 * kSecond);
  r.outcome = sim::Outcome::Converged;
  r.converged_at = run.network->last_change();

  ExpectationResult sessions;
  sessions.name = "all sessions Established";
  sessions.kind = "sessions";
  sessions.loc = {r.file, 14, 7};
  sessions.when = "at 6s";
  sessions.passed = true;
  sessions.checked_at = 6 * kSecond;
  sessions.message = "20 of 20 session ends Established";
  r.expectations.push_back(sessions);
  ExpectationResult reach;
  reach.name = "no node loses a workload block";
  reach.kind = "reachability";
  reach.loc = {r.file, 17, 7};
  reach.when = "during [6s, end]";
  reach.passed = true;
  reach.checked_at = 6 * kSecond;
  reach.message = "20 of 20 pairs reachable throughout";
  r.expectations.push_back(reach);
  finish(run);
  return run;
}

// The same mesh (up by 4.8s); n3's BGP process is stopped at 8s and started again at 10.5s: its pairs lose
// reachability for a while (a continuity failure with pair gaps), and a calicoctl delete of a peer
// that does not exist fails.
inline ScenarioRun failed_run() {
  auto run = start("stop-n3", "tests/sim/topologies/mesh5.yaml");
  auto& r = run.result;
  r.description = "Stopping calico/node on n3 takes its routes away until BIRD comes back.";
  auto& net = *run.network;
  advance(run, 8 * kSecond);
  net.stop_speaker("n3");
  StepRecord stop;
  stop.at = 8 * kSecond;
  stop.text = "stop n3";
  stop.note = "calico/node is restarted for an upgrade";
  stop.loc = {r.file, 9, 9};
  r.steps.push_back(stop);
  advance(run, 10500 * kMillisecond, 8);
  net.start_speaker("n3");
  StepRecord start_;
  start_.at = 10500 * kMillisecond;
  start_.text = "start n3";
  start_.loc = {r.file, 11, 9};
  r.steps.push_back(start_);
  r.steps.push_back(
      ctl_step(run, 10500 * kMillisecond, "calicoctl delete bgpPeer 10.0.0.99 --scope=global", 13));
  advance(run, 11 * kSecond, 8);
  advance(run, 20 * kSecond);
  r.outcome = sim::Outcome::Converged;
  r.converged_at = net.last_change();

  ExpectationResult sessions;
  sessions.name = "all sessions Established";
  sessions.kind = "sessions";
  sessions.loc = {r.file, 16, 7};
  sessions.when = "at end";
  sessions.passed = true;
  sessions.checked_at = r.timeline.back().t;
  sessions.message = "20 of 20 session ends Established";
  r.expectations.push_back(sessions);

  ExpectationResult reach;
  reach.name = "reachability continuous";
  reach.kind = "reachability";
  reach.loc = {r.file, 19, 7};
  reach.when = "during [0s, end]";
  reach.passed = false;
  reach.checked_at = 8 * kSecond;
  reach.message = "8 of 20 pairs lost reachability, first at 8.000s";
  reach.evidence = {"n3's routes were withdrawn when its sessions closed",
                    "the others' routes to n3 left with them"};
  reach.violations = {{8 * kSecond, 11 * kSecond}};
  const std::string n3_block = to_string(net.speaker_config(*net.find_speaker("n3")).originated.at(0));
  for (const char* from : {"n1", "n2", "n4", "n5"}) {
    PairGap g;
    g.from = from;
    g.to = "n3 (" + n3_block + ")";
    g.gaps = {{8 * kSecond + 2 * kMillisecond, 11 * kSecond}};
    g.detail = std::string("blackhole at ") + from + ": no route to " + n3_block;
    reach.pair_gaps.push_back(g);
  }
  PairGap back;
  back.from = "n3";
  back.to = "n1 (10.244.0.0/26)";
  back.gaps = {{8 * kSecond, 10 * kSecond + 600 * kMillisecond},
               {10 * kSecond + 900 * kMillisecond, std::nullopt}};
  back.detail = "blackhole at n3: no route to 10.244.0.0/26";
  reach.pair_gaps.push_back(back);
  r.expectations.push_back(reach);

  ExpectationResult routes;
  routes.name = "n1 has 5 best routes";
  routes.kind = "routes";
  routes.loc = {r.file, 22, 7};
  routes.when = "at 9s";
  routes.passed = false;
  routes.checked_at = 9 * kSecond;
  routes.message = "n1 has 4 best routes at 9.000s, expected 5";
  routes.evidence = {"missing: " + n3_block + " (originated by n3)"};
  r.expectations.push_back(routes);
  finish(run);
  return run;
}

// A scenario that could not run: its file has errors.
inline ScenarioRun error_run() {
  ScenarioRun run;
  auto& r = run.result;
  r.name = "broken";
  r.file = "scenarios/broken.yaml";
  r.verdict = Verdict::Error;
  r.diagnostics.error("E402", {r.file, 7, 11}, "unknown step kind 'reboot'",
                      "did you mean 'restart'? steps are run, stop, start, fail, recover, link-down, "
                      "link-up, segment-down, segment-up");
  r.diagnostics.warning("E411", {r.file, 3, 3}, "spec.limits.time is longer than a day");
  return run;
}

// Names and messages a hostile scenario author could write: markup and quotes everywhere.
inline ScenarioRun hostile_run() {
  auto run = start("hostile", "tests/sim/topologies/mesh5.yaml");
  auto& r = run.result;
  r.name = "<script>alert('name')</script> & \"co\"";
  r.file = "scenarios/<b>bold</b>.yaml";
  r.description = "</p><script>alert(1)</script><p>";
  advance(run, 2 * kSecond);
  StepRecord s;
  s.at = kSecond;
  s.text = "stop <img src=x onerror=alert(2)>";
  s.ok = false;
  s.error = "no node named '<img src=x onerror=alert(2)>'";
  s.loc = {r.file, 5, 5};
  r.steps.push_back(s);
  ExpectationResult e;
  e.name = "<script>alert(3)</script>";
  e.kind = "sessions";
  e.when = "at <now>";
  e.passed = false;
  e.message = "\"quoted\" & <b>bold</b> # not a PLplot escape";
  e.evidence = {"<iframe src=\"javascript:alert(4)\"></iframe>"};
  PairGap g;
  g.from = "<a href=x>n1</a>";
  g.to = "n2 & n3";
  g.gaps = {{kSecond, 2 * kSecond}};
  g.detail = "<style>body{display:none}</style>";
  e.pair_gaps.push_back(g);
  r.expectations.push_back(e);
  r.outcome = sim::Outcome::Converged;
  finish(run);
  return run;
}

}  // namespace peerlab::reports::samples
