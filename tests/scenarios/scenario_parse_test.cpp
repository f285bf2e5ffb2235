// Scenario files: what parses into what, and every mistake reported with its position, code,
// message and hint (negative tests assert the exact text).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "scenarios/scenario.hpp"

namespace peerlab::scenarios {
namespace {

const std::string kHead =
    "apiVersion: peerlab/v1\n"
    "kind: Scenario\n"
    "metadata: {name: s}\n"
    "spec:\n"
    "  topology: cluster.yaml\n";

std::string errors(const std::string& text) {
  return parse_scenario(text, "s.yaml").diagnostics.to_string();
}

TEST(ScenarioParse, ReadsStepsAndExpectationsInTheirOrder) {
  auto p = parse_scenario(kHead +
                              "  seed: 7\n"
                              "  timers: calico\n"
                              "  limits: {time: 10m, events: 1000}\n"
                              "  steps:\n"
                              "    - {at: 60s, fail: rr-1}\n"
                              "    - at: 30s\n"
                              "      run: calicoctl config set nodeToNodeMesh off\n"
                              "      note: mesh off\n"
                              "  expect:\n"
                              "    - {during: [10s, end], reachability: continuous}\n"
                              "    - {at: end, sessions: {node: n1, peer: 10.0.0.2, state: Established}}\n"
                              "    - converged: 30s\n",
                          "s.yaml");
  ASSERT_TRUE(p.scenario) << p.diagnostics.to_string();
  const auto& s = *p.scenario;
  EXPECT_EQ(s.name, "s");
  EXPECT_EQ(s.topology_path, "cluster.yaml");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.timers, TimerProfile::Calico);
  EXPECT_EQ(s.time_limit, 10 * sim::kMinute);
  EXPECT_EQ(s.event_limit, 1000u);
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[0].at.at, 30 * sim::kSecond);  // sorted by time
  EXPECT_EQ(describe(s.steps[0]), "calicoctl config set nodeToNodeMesh off");
  EXPECT_EQ(s.steps[0].note, "mesh off");
  EXPECT_EQ(describe(s.steps[1]), "fail rr-1");
  EXPECT_EQ(s.steps[1].loc.line, 10);
  ASSERT_EQ(s.expectations.size(), 3u);
  EXPECT_EQ(s.expectations[0].name, "no loss of reachability (full reachability)");
  EXPECT_TRUE(s.expectations[0].during->second.end);
  EXPECT_EQ(s.expectations[1].name, "n1 session with 10.0.0.2 Established");
  EXPECT_EQ(s.expectations[2].name, "converges within 30.000s of the last step");
}

TEST(ScenarioParse, KeepsWhereAnInlineTopologyStarts) {
  auto p = parse_scenario(
      "apiVersion: peerlab/v1\nkind: Scenario\nspec:\n  topology: |\n    apiVersion: v1\n    kind: node\n"
      "  expect:\n    - {at: end, sessions: established}\n",
      "dir/s.yaml");
  ASSERT_TRUE(p.scenario) << p.diagnostics.to_string();
  EXPECT_EQ(p.scenario->topology_inline, "apiVersion: v1\nkind: node\n");
  EXPECT_EQ(p.scenario->topology_loc, (SourceLoc{"dir/s.yaml", 5, 5}));
  EXPECT_EQ(p.scenario->name, "s");  // from the file name when metadata has none
}

TEST(ScenarioParse, RejectsACalicoctlCommandThatCalicoctlWouldReject) {
  EXPECT_EQ(
      errors(kHead + "  steps:\n    - {at: 1s, run: calicoctl config sett nodeToNodeMesh off}\n"),
      "s.yaml:7:21: error[E504]: the calicoctl command 'calicoctl config sett nodeToNodeMesh off' is not "
      "valid: unknown config command 'sett'; use set, unset, view or get\n"
      "  hint: write the command as an operator types it, e.g. 'calicoctl config set nodeToNodeMesh off'\n");
}

TEST(ScenarioParse, RejectsAStepThatReadsStandardInput) {
  EXPECT_EQ(
      errors(kHead + "  steps:\n    - {at: 1s, run: calicoctl create -f -}\n"),
      "s.yaml:7:21: error[E504]: the calicoctl command 'calicoctl create -f -' reads standard input, which a "
      "scenario does not have\n"
      "  hint: put the resources in a file next to the scenario and name it with -f\n");
}

TEST(ScenarioParse, RejectsNodeStatusWithoutANode) {
  EXPECT_EQ(errors(kHead + "  steps:\n    - {at: 1s, run: calicoctl node status}\n"),
            "s.yaml:7:21: error[E504]: 'calicoctl node status' in a scenario must name the node\n"
            "  hint: add --hostname=NODE (a scenario has no local node)\n");
}

TEST(ScenarioParse, RejectsAStepWithTwoActionsOrNone) {
  EXPECT_EQ(errors(kHead + "  steps:\n    - {at: 1s, stop: n1, start: n1}\n    - {at: 2s}\n"),
            "s.yaml:7:7: error[E503]: a step does one thing; this one has stop and start\n"
            "  hint: split it into two steps at the same time\n"
            "s.yaml:8:7: error[E503]: a step must say what happens\n"
            "  hint: add 'run: calicoctl …' or a fault: stop, start, fail, recover, link-down, link-up, "
            "segment-down, segment-up\n");
}

TEST(ScenarioParse, RejectsTimesWithoutUnitsAndStepsAtTheEnd) {
  EXPECT_EQ(errors(kHead + "  steps:\n    - {at: 30, stop: n1}\n    - {at: end, stop: n1}\n"),
            "s.yaml:7:12: error[E502]: invalid time '30' in 'at'\n"
            "  hint: write a duration with a unit (500ms, 30s, 2m) or 'end'\n"
            "s.yaml:8:12: error[E502]: a step cannot happen at 'end'\n"
            "  hint: give the simulated time it happens at, e.g. 30s\n");
}

TEST(ScenarioParse, RejectsAnExpectationWithoutATimeOrWithTwoKinds) {
  EXPECT_EQ(
      errors(kHead + "  expect:\n    - {sessions: established}\n"
                     "    - {at: end, sessions: established, reachability: full}\n"),
      "s.yaml:7:7: error[E505]: an expectation must say when it holds\n"
      "  hint: add 'at: 30s', 'at: end' or 'during: [0s, end]'\n"
      "s.yaml:8:7: error[E505]: an expectation checks one thing; this one has sessions and reachability\n"
      "  hint: split it into two expectations\n");
}

TEST(ScenarioParse, RejectsAWindowThatEndsBeforeItStarts) {
  EXPECT_EQ(errors(kHead + "  expect:\n    - {during: [20s, 10s], reachability: full}\n"),
            "s.yaml:7:16: error[E509]: the window ends before it starts\n"
            "  hint: write [from, to] with from <= to\n");
}

TEST(ScenarioParse, SuggestsTheStateMeant) {
  EXPECT_EQ(errors(kHead + "  expect:\n    - {at: end, sessions: {node: n1, state: Establised}}\n"),
            "s.yaml:7:45: error[E506]: unknown session state 'Establised'\n"
            "  hint: did you mean 'Established'?\n");
}

TEST(ScenarioParse, SuggestsTheFieldMeant) {
  EXPECT_EQ(errors(kHead + "  expect:\n    - {at: end, reachabilty: full}\n"),
            "s.yaml:7:7: error[E505]: an expectation must say what is expected\n"
            "  hint: add one of: sessions, reachability, status, routes, converged, finding\n"
            "s.yaml:7:17: error[E104]: unknown field 'reachabilty' in an expectation\n"
            "  hint: did you mean 'reachability'?\n");
}

TEST(ScenarioParse, RejectsATopologyFileGivenAsTheScenario) {
  EXPECT_EQ(
      errors("apiVersion: v1\nkind: node\nmetadata: {name: n1}\nspec: {}\n"),
      "s.yaml:1:1: error[E501]: expected a peerlab/v1 Scenario, found v1 node\n"
      "  hint: a scenario starts with 'apiVersion: peerlab/v1' and 'kind: Scenario'; topology files are "
      "given to it in spec.topology\n");
}

TEST(ScenarioParse, ReportsYamlSyntaxErrorsWithTheirPosition) {
  EXPECT_EQ(errors(kHead + "  steps: [\n"),
            "s.yaml:7:1: error[E101]: YAML syntax error: end of sequence flow not found\n"
            "  hint: check the indentation and quoting around this point\n");
}

TEST(ScenarioParse, ALoneCommaIsASyntaxErrorNotAnEndlessStreamOfDocuments) {
  // yaml-cpp 0.7 returns the same empty document for ever on this input (docs/hardening.md).
  EXPECT_EQ(errors(","),
            "s.yaml:1:1: error[E101]: YAML syntax error: unexpected character; no document can start here\n"
            "  hint: check the indentation and quoting around this point\n");
}

TEST(ScenarioParse, RefusesAnAliasBombBeforeExpandingIt) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) +
            ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
  EXPECT_THAT(errors(bomb), testing::StartsWith("s.yaml:"));
  EXPECT_THAT(errors(bomb), testing::HasSubstr("error[E403]"));
}

TEST(ScenarioParse, AcceptsOnlyStaticFindingCodes) {
  EXPECT_EQ(errors(kHead + "  expect:\n    - {at: end, finding: R100}\n"),
            "s.yaml:7:26: error[E506]: finding R100 is not a static (L) finding\n"
            "  hint: scenarios check lint codes L1xx here; check sessions and reachability with their own "
            "expectations\n");
}

TEST(ScenarioParse, WarnsAboutAScenarioThatExpectsNothing) {
  auto p = parse_scenario(kHead + "  steps: [{at: 1s, stop: n1}]\n", "s.yaml");
  EXPECT_TRUE(p.scenario.has_value());
  EXPECT_EQ(
      p.diagnostics.to_string(),
      "s.yaml:5:3: warning[W501]: the scenario expects nothing: it passes whatever happens\n"
      "  hint: add expectations under 'expect:' (docs/scenarios.md), e.g. '- {during: all, reachability: "
      "continuous}'\n");
}

}  // namespace
}  // namespace peerlab::scenarios
