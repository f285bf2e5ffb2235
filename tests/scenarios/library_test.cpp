// The scenario library (scenarios/library): every scenario runs, and its verdict is the one its
// file promises. Two scenarios are expected to fail their continuity expectation (the wrong-order
// migration and the single reflector): the test asserts that they do, and that the gap found is
// the one the scenario teaches.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "scenarios/runner.hpp"

namespace peerlab::scenarios {
namespace {

const std::string kLibrary = std::string(PEERLAB_SOURCE_DIR) + "/scenarios/library/";

ScenarioRun run_library(const std::string& name) {
  return run_scenario_file(kLibrary + name, disk_reader());
}

std::string explain(const ScenarioResult& r) {
  std::string out = r.diagnostics.to_string();
  for (const auto& s : r.steps)
    out += sim::format_time(s.at) + " " + s.text + (s.ok ? "" : " FAILED: " + s.error) + "\n";
  for (const auto& e : r.expectations) {
    out += (e.passed ? "PASS " : "FAIL ") + e.name + " [" + e.when + "]: " + e.message + "\n";
    for (const auto& ev : e.evidence) out += "    " + ev + "\n";
    for (const auto& g : e.pair_gaps) {
      out += "    gap " + g.from + " -> " + g.to + ":";
      for (const auto& i : g.gaps)
        out += " [" + sim::format_time(i.from) + ", " + (i.to ? sim::format_time(*i.to) : "end") + ")";
      out += " " + g.detail + "\n";
    }
  }
  return out;
}

// The verdict each library scenario promises. A new scenario must be listed here.
const std::vector<std::pair<std::string, Verdict>> kVerdicts = {
    {"as-per-rack-tor-failure.yaml", Verdict::Passed},
    {"border-router.yaml", Verdict::Passed},
    {"document-examples.yaml", Verdict::Passed},
    {"fix-as-mismatch.yaml", Verdict::Passed},
    {"mesh-to-route-reflectors.yaml", Verdict::Passed},
    {"mesh-to-route-reflectors-wrong-order.yaml", Verdict::Failed},
    {"node-restart-and-hold-timer.yaml", Verdict::Passed},
    {"one-reflector-loses-it.yaml", Verdict::Failed},
    {"two-reflectors-lose-one.yaml", Verdict::Passed},
};

TEST(ScenarioLibrary, EveryScenarioFileHasAnExpectedVerdict) {
  std::set<std::string> files, listed;
  for (const auto& entry : std::filesystem::directory_iterator(kLibrary))
    if (entry.path().extension() == ".yaml") files.insert(entry.path().filename().string());
  for (const auto& [file, verdict] : kVerdicts) listed.insert(file);
  EXPECT_EQ(files, listed);
}

class EachLibraryScenario : public testing::TestWithParam<std::pair<std::string, Verdict>> {};

TEST_P(EachLibraryScenario, EndsWithItsPromisedVerdict) {
  const auto& [file, verdict] = GetParam();
  auto run = run_library(file);
  EXPECT_EQ(run.result.verdict, verdict) << explain(run.result);
  EXPECT_EQ(run.result.outcome, sim::Outcome::Converged) << explain(run.result);
  EXPECT_TRUE(std::all_of(run.result.steps.begin(), run.result.steps.end(), [](const StepRecord& s) {
    return s.ok;
  })) << explain(run.result);
}

TEST_P(EachLibraryScenario, GivesTheSameResultTwice) {
  auto a = run_library(GetParam().first);
  auto b = run_library(GetParam().first);
  EXPECT_EQ(a.result.fingerprint, b.result.fingerprint);
  EXPECT_EQ(a.result.events, b.result.events);
  EXPECT_EQ(explain(a.result), explain(b.result));
}

INSTANTIATE_TEST_SUITE_P(Library, EachLibraryScenario, testing::ValuesIn(kVerdicts), [](const auto& info) {
  std::string name = info.param.first.substr(0, info.param.first.size() - 5);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
});

const ExpectationResult& expectation(const ScenarioResult& r, const std::string& name) {
  auto it = std::find_if(r.expectations.begin(), r.expectations.end(),
                         [&](const ExpectationResult& e) { return e.name == name; });
  if (it == r.expectations.end()) throw std::runtime_error("no expectation named " + name);
  return *it;
}

TEST(ScenarioLibrary, TheMigrationInTheDocumentsOrderNeverLosesReachability) {
  auto run = run_library("mesh-to-route-reflectors.yaml");
  const auto& c = expectation(run.result, "no loss of reachability at any moment");
  EXPECT_TRUE(c.passed) << explain(run.result);
  EXPECT_TRUE(c.pair_gaps.empty());
}

TEST(ScenarioLibrary, TheWrongOrderMigrationLosesReachabilityFromMeshOffUntilTheReflectorSessionsAreUp) {
  auto run = run_library("mesh-to-route-reflectors-wrong-order.yaml");
  ASSERT_EQ(run.result.failed_expectations(), 1u) << explain(run.result);
  const auto& c = expectation(run.result, "no loss of reachability at any moment");
  EXPECT_FALSE(c.passed);
  ASSERT_EQ(c.violations.size(), 1u);
  // The mesh goes at 60s; the reflector peers are created at 120s and come up after BIRD's
  // connect delay (up to 5s, jittered): the gap ends between 120s and 125s.
  EXPECT_EQ(c.violations[0].from, 60 * sim::kSecond);
  ASSERT_TRUE(c.violations[0].to.has_value());
  EXPECT_GT(*c.violations[0].to, 120 * sim::kSecond);
  EXPECT_LT(*c.violations[0].to, 125 * sim::kSecond + sim::kSecond);
  ASSERT_EQ(c.pair_gaps.size(), 2u);
  EXPECT_EQ(c.pair_gaps[0].from, "Node1");
  EXPECT_EQ(c.pair_gaps[0].to, "Node2");
  EXPECT_EQ(c.pair_gaps[0].gaps.size(), 1u);
  EXPECT_THAT(c.pair_gaps[0].detail, testing::HasSubstr("blackhole"));
}

TEST(ScenarioLibrary, OneReflectorsFailureCutsTheClientsOffOnceTheirHoldTimersExpire) {
  auto run = run_library("one-reflector-loses-it.yaml");
  ASSERT_EQ(run.result.failed_expectations(), 1u) << explain(run.result);
  const auto& c = expectation(run.result, "no loss of reachability between the clients");
  EXPECT_FALSE(c.passed);
  ASSERT_FALSE(c.violations.empty());
  // rr-1 fails at 60s; its clients notice within the hold time (9s) and lose every route.
  EXPECT_GT(c.violations[0].from, 60 * sim::kSecond);
  EXPECT_LE(c.violations[0].from, 69 * sim::kSecond);
  // Every client pair is cut: 3 clients, both directions.
  EXPECT_EQ(c.pair_gaps.size(), 6u) << explain(run.result);
}

TEST(ScenarioLibrary, TwoReflectorsLosingOneKeepEveryPairReachable) {
  auto run = run_library("two-reflectors-lose-one.yaml");
  const auto& c = expectation(run.result, "no loss of reachability between the clients");
  EXPECT_TRUE(c.passed) << explain(run.result);
}

}  // namespace
}  // namespace peerlab::scenarios
