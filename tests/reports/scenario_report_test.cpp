// Scenario run reports (text, JUnit, JSON, HTML) on hand-built runs (scenario_samples.hpp): the text
// and JUnit of a passed run, a failed run (a continuity failure with pair gaps, a failed step) and a
// run that could not start match golden files (PEERLAB_UPDATE_GOLDEN=1 rewrites them); the JSON
// carries everything; the HTML has its banner, charts, graph and status tables, escapes hostile
// names, and is the same bytes for the same runs.
#include "reports/scenario_report.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "reports/html_report.hpp"
#include "scenario_samples.hpp"

// LeakSanitizer: the Graphviz suppressions of this test program are in graphviz_render_test.cpp
// (the HTML report renders the session graph through Graphviz).

namespace peerlab::reports {
namespace {

using scenarios::ScenarioRun;

// Built once: each run simulates a network.
const ScenarioRun& passed() {
  static const ScenarioRun r = samples::passed_run();
  return r;
}
const ScenarioRun& failed() {
  static const ScenarioRun r = samples::failed_run();
  return r;
}
const ScenarioRun& broken() {
  static const ScenarioRun r = samples::error_run();
  return r;
}
const ScenarioRun& hostile() {
  static const ScenarioRun r = samples::hostile_run();
  return r;
}

void expect_golden(const std::string& text, const std::string& name) {
  const std::string path = std::string(PEERLAB_SOURCE_DIR) + "/tests/golden/reports/" + name;
  const char* update = std::getenv("PEERLAB_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << text;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with PEERLAB_UPDATE_GOLDEN=1)";
  std::ostringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(text, ss.str()) << name << "\n(run with PEERLAB_UPDATE_GOLDEN=1 to accept the new output)";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

// ---- helpers --------------------------------------------------------------------------------

TEST(FormatDuration, DropsTrailingZerosAndKeepsMilliseconds) {
  EXPECT_EQ(format_duration(12'400 * sim::kMillisecond), "12.4s");
  EXPECT_EQ(format_duration(3 * sim::kSecond), "3s");
  EXPECT_EQ(format_duration(250 * sim::kMillisecond), "0.25s");
  EXPECT_EQ(format_duration(2'998 * sim::kMillisecond), "2.998s");
  EXPECT_EQ(format_duration(500), "500us");
}

TEST(DescribeGaps, SaysWhenAPairWasLostAndForHowLong) {
  using scenarios::Interval;
  EXPECT_EQ(describe_gaps({Interval{45'002 * sim::kMillisecond, 57'402 * sim::kMillisecond}}),
            "lost at 45.002s for 12.4s");
  EXPECT_EQ(
      describe_gaps({Interval{sim::kSecond, 2 * sim::kSecond}, Interval{5 * sim::kSecond, std::nullopt}}),
      "lost at 1.000s for 1s, at 5.000s until the end");
}

TEST(FingerprintHex, IsSixteenLowerCaseHexDigits) {
  EXPECT_EQ(fingerprint_hex(0xABCDEFull), "0000000000abcdef");
}

// ---- text -----------------------------------------------------------------------------------

TEST(ScenarioText, OfAPassedRunMatchesTheGoldenFile) {
  expect_golden(scenario_text(passed().result), "mesh-comes-up.txt");
}

TEST(ScenarioText, OfAFailedRunMatchesTheGoldenFile) {
  expect_golden(scenario_text(failed().result), "stop-n3.txt");
}

TEST(ScenarioText, OfARunThatCouldNotStartMatchesTheGoldenFile) {
  expect_golden(scenario_text(broken().result), "broken.txt");
}

TEST(ScenarioText, ShowsEachPairOfAContinuityFailureWithItsGaps) {
  const auto text = scenario_text(failed().result);
  EXPECT_NE(text.find("verdict: FAILED (2 of 3 expectations failed, 1 step failed)"), std::string::npos);
  EXPECT_NE(text.find("  FAIL  reachability continuous (during [0s, end]): 8 of 20 pairs lost reachability"),
            std::string::npos);
  std::regex pair(R"(\n        n1 -> n3 \(10\.244\.[0-9.]+/26\): lost at 8\.002s for 2\.998s\n)");
  EXPECT_TRUE(std::regex_search(text, pair)) << text;
  EXPECT_NE(text.find("n3 -> n1 (10.244.0.0/26): lost at 8.000s for 2.6s, at 10.900s until the end"),
            std::string::npos);
}

TEST(ScenarioText, PrintsCalicoctlOutputAndNodeStatusUnderTheirSteps) {
  const auto text = scenario_text(passed().result);
  EXPECT_NE(text.find("  6.000s   calicoctl get nodes\n"), std::string::npos) << text;
  EXPECT_NE(text.find("IPv4 BGP status"), std::string::npos);
  EXPECT_NE(text.find("|  10.0.0.12   | node-to-node mesh |   up  | 16:00:04 | Established |"),
            std::string::npos)
      << text;
}

// ---- JUnit ----------------------------------------------------------------------------------

TEST(ScenariosJunit, MatchesTheGoldenFile) {
  expect_golden(scenarios_junit({&passed().result, &failed().result, &broken().result}), "runs.junit.xml");
}

TEST(ScenariosJunit, HasOneCasePerExpectationAndPerFailedStepAndNoWallTime) {
  const auto xml = scenarios_junit({&failed().result});
  EXPECT_EQ(count(xml, "<testsuite "), 1u);
  EXPECT_EQ(count(xml, "<testcase "), 4u);  // three expectations and the failed calicoctl step
  EXPECT_EQ(count(xml, "<failure "), 3u);
  EXPECT_EQ(xml.find(" time="), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"simulated_end\" value=\"20.000s\"/>"), std::string::npos);
}

TEST(ScenariosJunit, EscapesHostileNames) {
  const auto xml = scenarios_junit({&hostile().result});
  EXPECT_EQ(xml.find("<script"), std::string::npos);
  EXPECT_NE(xml.find("name=\"&lt;script&gt;alert(&apos;name&apos;)&lt;/script&gt; &amp; &quot;co&quot;\""),
            std::string::npos);
}

// ---- JSON -----------------------------------------------------------------------------------

TEST(ScenariosJson, CarriesEverythingOfTheResultUnderTheV1Schema) {
  auto j = nlohmann::json::parse(scenarios_json({&passed().result, &failed().result, &broken().result}));
  EXPECT_EQ(j["schema"], "peerlab.run/v1");
  EXPECT_EQ(j["verdict"], "error");
  ASSERT_EQ(j["scenarios"].size(), 3u);
  const auto& f = j["scenarios"][1];
  EXPECT_EQ(f["name"], "stop-n3");
  EXPECT_EQ(f["verdict"], "failed");
  EXPECT_EQ(f["fingerprint"], fingerprint_hex(failed().result.fingerprint));
  EXPECT_EQ(f["timeline"].size(), failed().result.timeline.size());
  EXPECT_EQ(f["steps"][2]["ctl"]["exit_code"], 1);
  const auto& reach = f["expectations"][1];
  EXPECT_EQ(reach["pair_gaps"].size(), 5u);
  EXPECT_EQ(reach["pair_gaps"][0]["gaps"][0]["from_us"], 8'002'000);
  EXPECT_TRUE(reach["pair_gaps"][4]["gaps"][1]["to_us"].is_null());
  EXPECT_FALSE(f["findings"].empty() && f["counters"]["opens"] == 0);
  EXPECT_EQ(j["scenarios"][2]["diagnostics"][0]["code"], "E402");
}

TEST(ScenariosJson, OfNoRunsPasses) {
  auto j = nlohmann::json::parse(scenarios_json({}));
  EXPECT_EQ(j["verdict"], "passed");
  EXPECT_TRUE(j["scenarios"].empty());
}

// ---- HTML -----------------------------------------------------------------------------------

TEST(ScenariosHtml, HasTheVerdictBannerChartsGraphAndEveryNodesStatus) {
  const auto html = scenarios_html({&failed(), &passed()});
  EXPECT_NE(
      html.find(
          "<header id=\"verdict\" class=\"banner failed\">FAILED<small>2 scenarios: 1 passed, 1 failed"),
      std::string::npos);
  EXPECT_EQ(count(html, "<figure class=\"chart\"><svg"), 8u);  // sessions, reachability, routes, messages
  EXPECT_EQ(count(html, "<div class=\"graph\"><svg"), 2u);
  EXPECT_EQ(count(html, "<pre class=\"node-status\">"), 10u);
  EXPECT_NE(html.find("lost at 8.002s for 2.998s"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"step-note\">calico&#x2F;node is restarted for an upgrade</div>"),
            std::string::npos);
  EXPECT_EQ(html.find("http://www.w3.org/Graphics"), std::string::npos);  // no DOCTYPEs of the SVGs
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  std::regex external(R"re((src|href)="(https?:)?//)re");
  EXPECT_FALSE(std::regex_search(html, external));
}

TEST(ScenariosHtml, OfAPassedRunSaysPassed) {
  const auto html = scenarios_html({&passed()});
  EXPECT_NE(
      html.find("<header id=\"verdict\" class=\"banner passed\">PASSED<small>1 scenario: 1 passed, 0 failed"),
      std::string::npos);
}

TEST(ScenariosHtml, OfARunThatCouldNotStartShowsItsDiagnostics) {
  const auto html = scenarios_html({&broken()});
  EXPECT_NE(html.find("class=\"banner error\">ERROR"), std::string::npos);
  EXPECT_NE(html.find("unknown step kind &#39;reboot&#39;"), std::string::npos) << html;
}

TEST(ScenariosHtml, EscapesHostileNamesMessagesAndEvidence) {
  const auto html = scenarios_html({&hostile()});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<iframe"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<style>body"), std::string::npos);
  EXPECT_EQ(html.find("<a href=x>"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  // mustache escapes '/' too.
  const std::string name = "&lt;script&gt;alert(&#39;name&#39;)&lt;&#x2F;script&gt; &amp; &quot;co&quot;";
  EXPECT_NE(html.find(name), std::string::npos);
}

TEST(ScenariosHtml, GivesEveryElementOfThePageItsOwnId) {
  const auto html = scenarios_html({&failed(), &passed()});
  std::regex id(R"re( id="([^"]*)")re");
  std::set<std::string> seen;
  std::vector<std::string> repeated;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id); it != std::sregex_iterator(); ++it)
    if (!seen.insert((*it)[1].str()).second) repeated.push_back((*it)[1].str());
  EXPECT_GT(seen.size(), 50u);
  EXPECT_TRUE(repeated.empty()) << testing::PrintToString(repeated);
}

TEST(ScenariosHtml, IsTheSameBytesForTheSameRuns) {
  auto again = samples::failed_run();
  EXPECT_EQ(scenarios_html({&failed(), &passed()}), scenarios_html({&again, &passed()}));
  EXPECT_EQ(scenario_text(failed().result), scenario_text(again.result));
}

TEST(TimelineCharts, MarkEveryStepAndSkipReachabilityWhenItWasNeverWalked) {
  auto charts = timeline_charts(failed().result, "x");
  ASSERT_EQ(charts.size(), 4u);
  EXPECT_EQ(charts[0].markers.size(), 3u);
  EXPECT_EQ(charts[0].markers[1].label, "2");
  EXPECT_DOUBLE_EQ(charts[0].markers[1].x, 10.5);
  auto no_walk = failed().result;
  for (auto& s : no_walk.timeline) s.pairs.reset(), s.delivered.reset();
  EXPECT_EQ(timeline_charts(no_walk, "x").size(), 3u);
}

}  // namespace
}  // namespace peerlab::reports
