// The scenario runner's semantics: what a step sees at its time, how failed steps and unreadable
// inputs end a run, where errors in inline topologies point, and that every run ends with a
// typed outcome.
#include "scenarios/runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace peerlab::scenarios {
namespace {

const std::string kMesh3 =
    "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.244.0.0/16}\n---\n"
    "apiVersion: peerlab/v1\nkind: BGPTimers\nmetadata: {name: default}\n"
    "spec: {profile: calico, holdTime: 9s, keepaliveTime: 3s}\n---\n"
    "apiVersion: v1\nkind: node\nmetadata: {name: n1}\nspec: {bgp: {ipv4Address: 10.0.0.1/24}}\n---\n"
    "apiVersion: v1\nkind: node\nmetadata: {name: n2}\nspec: {bgp: {ipv4Address: 10.0.0.2/24}}\n---\n"
    "apiVersion: v1\nkind: node\nmetadata: {name: n3}\nspec: {bgp: {ipv4Address: 10.0.0.3/24}}\n";

// Files in memory, by path.
struct Files {
  std::map<std::string, std::string> files;
  FileReader reader() const {
    return [this](const std::string& p) -> std::optional<std::string> {
      auto it = files.find(p);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
  }
};

ScenarioRun run(const std::string& body, Files files = {}) {
  files.files.emplace("dir/mesh3.yaml", kMesh3);
  std::string text = "apiVersion: peerlab/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n" + body;
  files.files["dir/s.yaml"] = text;
  return run_scenario_file("dir/s.yaml", files.reader());
}

TEST(ScenarioRunner, AStepSeesWhatHappensAtOnceButNotWhatTakesTime) {
  auto r = run(
      "  topology: mesh3.yaml\n"
      "  steps: [{at: 30s, stop: n2}]\n"
      "  expect:\n"
      "    - {name: n2's own sessions go at once, at: 30s, sessions: {node: n2, state: down}}\n"
      "    - {name: n1 hears of it only when the close arrives, at: 30s, "
      "sessions: {node: n1, peer: 10.0.0.2, state: Established}}\n"
      "    - {name: a second later it has, at: 31s, sessions: {node: n1, peer: 10.0.0.2, state: start}}\n");
  EXPECT_EQ(r.result.verdict, Verdict::Passed);
  for (const auto& e : r.result.expectations)
    EXPECT_TRUE(e.passed) << e.name << ": " << e.message << (e.evidence.empty() ? "" : " | " + e.evidence[0]);
}

TEST(ScenarioRunner, ACalicoctlCommandThatFailsFailsTheScenarioWithCalicoctlsError) {
  auto r =
      run("  topology: mesh3.yaml\n"
          "  steps: [{at: 10s, run: calicoctl delete bgpPeer 10.9.9.9 --scope=global}]\n"
          "  expect: [{at: end, sessions: established}]\n");
  EXPECT_EQ(r.result.verdict, Verdict::Failed);
  ASSERT_EQ(r.result.steps.size(), 1u);
  EXPECT_FALSE(r.result.steps[0].ok);
  EXPECT_EQ(r.result.steps[0].error,
            "exited 1, expected 0: resource does not exist: BGPPeer(global, ip=10.9.9.9)");
}

TEST(ScenarioRunner, ACommandExpectedToFailPasses) {
  auto r =
      run("  topology: mesh3.yaml\n"
          "  steps: [{at: 10s, run: calicoctl delete bgpPeer 10.9.9.9 --scope=global, exit: 1}]\n"
          "  expect: [{at: end, sessions: established}]\n");
  EXPECT_EQ(r.result.verdict, Verdict::Passed) << r.result.steps[0].error;
}

TEST(ScenarioRunner, AFaultOnSomethingThatDoesNotExistFailsItsStep) {
  auto r =
      run("  topology: mesh3.yaml\n"
          "  steps: [{at: 10s, link-down: uplink}, {at: 11s, fail: n9}]\n"
          "  expect: [{at: end, sessions: established}]\n");
  EXPECT_EQ(r.result.verdict, Verdict::Failed);
  ASSERT_EQ(r.result.steps.size(), 2u);
  EXPECT_EQ(r.result.steps[0].error, "no link named 'uplink' in the topology");
  EXPECT_EQ(r.result.steps[1].error, "no node or router named 'n9' runs BGP");
}

TEST(ScenarioRunner, AnUnreadableTopologyIsAnErrorAtItsLine) {
  auto r = run("  topology: missing.yaml\n  expect: [{at: end, sessions: established}]\n");
  EXPECT_EQ(r.result.verdict, Verdict::Error);
  EXPECT_EQ(r.result.diagnostics.to_string(),
            "dir/s.yaml:5:13: error[E001]: cannot read the scenario's topology 'dir/missing.yaml'\n"
            "  hint: the path is relative to the scenario file\n");
  EXPECT_EQ(r.network, nullptr);
}

TEST(ScenarioRunner, ErrorsInAnInlineTopologyPointIntoTheScenarioFile) {
  auto r =
      run("  topology: |\n"
          "    apiVersion: v1\n"
          "    kind: node\n"
          "    metadata: {name: n1}\n"
          "    spec: {bgp: {ipv4Address: 10.0.0.300/24}}\n"
          "  expect: [{at: end, sessions: established}]\n");
  EXPECT_EQ(r.result.verdict, Verdict::Error);
  EXPECT_THAT(r.result.diagnostics.to_string(),
              testing::StartsWith("dir/s.yaml:9:31: error[E202]: invalid CIDR '10.0.0.300/24'"));
}

TEST(ScenarioRunner, ARunStopsAtItsEventLimitWithThatOutcome) {
  auto r =
      run("  topology: mesh3.yaml\n"
          "  limits: {events: 20}\n"
          "  expect: [{converged: 1m}, {at: end, sessions: established}]\n");
  EXPECT_EQ(r.result.outcome, sim::Outcome::EventLimit);
  EXPECT_LE(r.result.events, 20u);
  ASSERT_EQ(r.result.expectations.size(), 2u);
  EXPECT_EQ(r.result.expectations[0].message,
            "did not converge (event limit at " + sim::format_time(r.result.end) + ")");
  EXPECT_EQ(r.result.verdict, Verdict::Failed);
}

TEST(ScenarioRunner, AWindowThatTheRunNeverReachesFails) {
  auto r =
      run("  topology: mesh3.yaml\n"
          "  limits: {time: 10m}\n"
          "  expect: [{during: [60m, end], reachability: full}]\n");
  EXPECT_EQ(r.result.outcome, sim::Outcome::TimeLimit);
  ASSERT_EQ(r.result.expectations.size(), 1u);
  EXPECT_FALSE(r.result.expectations[0].passed);
  EXPECT_EQ(r.result.expectations[0].message, "the run ended at 600.000s, before the window opened");
}

TEST(ScenarioRunner, ContinuityRecordsEachGapOfEachPair) {
  // n2 stops at 30s and starts at 40s: pairs to and from n2 leave the matrix (not a loss); the
  // others never lose reachability.
  auto r =
      run("  topology: mesh3.yaml\n"
          "  steps: [{at: 30s, stop: n2}, {at: 40s, start: n2}]\n"
          "  expect: [{during: [10s, end], reachability: continuous}]\n");
  ASSERT_EQ(r.result.expectations.size(), 1u);
  EXPECT_TRUE(r.result.expectations[0].passed) << r.result.expectations[0].message;
}

TEST(ScenarioRunner, TheTimelineRecordsSessionsRoutesAndReachabilityOverTime) {
  auto r = run("  topology: mesh3.yaml\n  expect: [{at: end, sessions: established}]\n");
  ASSERT_GE(r.result.timeline.size(), 2u);
  const auto& first = r.result.timeline.front();
  const auto& last = r.result.timeline.back();
  EXPECT_EQ(first.t, 0);
  EXPECT_EQ(first.established, 0u);
  EXPECT_EQ(last.established, 6u);
  EXPECT_EQ(last.sessions, 6u);
  EXPECT_EQ(last.pairs, 6u);
  EXPECT_EQ(last.delivered, 6u);
  EXPECT_EQ(last.best_routes, 9u);
  for (std::size_t i = 1; i < r.result.timeline.size(); ++i)
    EXPECT_LT(r.result.timeline[i - 1].t, r.result.timeline[i].t);
}

TEST(ScenarioRunner, TheSeedCanBeOverridden) {
  Files f;
  f.files["dir/mesh3.yaml"] = kMesh3;
  f.files["dir/s.yaml"] =
      "apiVersion: peerlab/v1\nkind: Scenario\nspec:\n  topology: mesh3.yaml\n  expect: [{at: end, sessions: "
      "established}]\n";
  RunOptions o;
  o.seed = 2;
  auto a = run_scenario_file("dir/s.yaml", f.reader());
  auto b = run_scenario_file("dir/s.yaml", f.reader(), o);
  EXPECT_EQ(b.result.seed, 2u);
  EXPECT_NE(a.result.fingerprint, b.result.fingerprint);
}

}  // namespace
}  // namespace peerlab::scenarios
