// The shapes of `peerlab bench` output (table, JSON, CSV) on fixed figures, and the determinism of
// the SVG charts. Timings here are data, never measured.
#include "reports/bench_report.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "reports/plot.hpp"

namespace peerlab::reports {
namespace {

sim::SweepPoint point(std::size_t nodes, double wall, std::uint64_t messages) {
  sim::SweepPoint p;
  p.nodes = nodes;
  p.speakers = nodes;
  p.sessions = nodes * (nodes - 1) / 2;
  p.messages = messages;
  p.updates = messages / 2;
  p.events = messages + 10;
  p.converged = true;
  p.outcome = sim::Outcome::Converged;
  p.converged_at_s = 4.5;
  p.wall_s = wall;
  p.setup_s = 0.01;
  p.peak_rss_bytes = nodes * 1024 * 1024;
  p.routes_per_node = static_cast<double>(nodes);
  return p;
}

// PLplot's SVG writes every character of a text as a numeric character reference.
std::string as_svg_text(const std::string& s) {
  std::string out;
  char buf[16];
  for (unsigned char c : s) {
    std::snprintf(buf, sizeof buf, "&#x%x;", c);
    out += buf;
  }
  return out;
}

BenchReport sample() {
  sim::SweepPoint failed;
  failed.nodes = 7;
  failed.error = "reflectors: must be at least 1";
  return make_bench_report("full-mesh", 1, {point(10, 0.01, 400), point(20, 0.04, 1600), failed});
}

TEST(BenchReport, SaysWhichLimitStoppedARunThatDidNotConverge) {
  sim::SweepPoint stopped = point(40, 1.0, 5000);
  stopped.converged = false;
  stopped.outcome = sim::Outcome::EventLimit;
  const auto r = make_bench_report("full-mesh", 1, {point(10, 0.01, 400), stopped});
  EXPECT_NE(bench_table(r).find("   no: event limit   "), std::string::npos) << bench_table(r);
  EXPECT_FALSE(r.wall_fit) << "a stopped run is not fitted";
  EXPECT_EQ(nlohmann::json::parse(bench_json(r))["points"][1]["outcome"], "event limit");
  EXPECT_NE(bench_csv(r).find(",false,4.500000,1.000000,0.010000,41943040,40.000,event limit,,false\n"),
            std::string::npos)
      << bench_csv(r);
}

TEST(BenchReport, TheTableHasOneRowPerMeasuredSizeThenTheExponentsThenTheFailures) {
  EXPECT_EQ(bench_table(sample()),
            "model: full-mesh, seed 1, huge pages off\n"
            "NODES   SPEAKERS   SESSIONS   MESSAGES   EVENTS   CONVERGED (SIM)   WALL     PEAK MEMORY   "
            "ROUTES/NODE   \n"
            "10      10         45         400        410      4.500s            0.010s   10.0 MiB      "
            "10.0          \n"
            "20      20         190        1600       1610     4.500s            0.040s   20.0 MiB      "
            "20.0          \n"
            "wall time grows as nodes^2.00 (R² 1.000, 2 sizes)\n"
            "messages grows as nodes^2.00 (R² 1.000, 2 sizes)\n"
            "peak memory grows as nodes^1.00 (R² 1.000, 2 sizes)\n"
            "size 7: reflectors: must be at least 1\n");
}

TEST(BenchReport, JsonHasEveryPointWithItsFiguresAndTheFits) {
  const auto j = nlohmann::json::parse(bench_json(sample()));
  EXPECT_EQ(j["model"], "full-mesh");
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["huge_pages"], false);
  ASSERT_EQ(j["points"].size(), 3u);
  const auto& p = j["points"][1];
  for (const char* k :
       {"nodes", "speakers", "sessions", "messages", "updates", "events", "converged", "outcome",
        "converged_at_s", "wall_s", "setup_s", "peak_rss_bytes", "routes_per_node"})
    EXPECT_TRUE(p.contains(k)) << k;
  EXPECT_EQ(p["sessions"], 190);
  EXPECT_EQ(p["outcome"], "converged");
  EXPECT_EQ(j["points"][2]["outcome"], "error");
  EXPECT_FALSE(p.contains("error"));
  EXPECT_EQ(j["points"][2]["error"], "reflectors: must be at least 1");
  EXPECT_NEAR(j["fits"]["wall_s"]["exponent"].get<double>(), 2.0, 1e-9);
  EXPECT_NEAR(j["fits"]["messages"]["exponent"].get<double>(), 2.0, 1e-9);
  EXPECT_EQ(j["fits"]["wall_s"]["points"], 2);
}

TEST(BenchReport, CsvHasAHeaderAndOneLinePerSizeFailuresIncluded) {
  EXPECT_EQ(
      bench_csv(sample()),
      "model,nodes,speakers,sessions,messages,updates,events,converged,converged_at_s,wall_s,setup_s,"
      "peak_rss_bytes,routes_per_node,outcome,error,huge_pages\n"
      "full-mesh,10,10,45,400,200,410,true,4.500000,0.010000,0.010000,10485760,10.000,converged,,false\n"
      "full-mesh,20,20,190,1600,800,1610,true,4.500000,0.040000,0.010000,20971520,20.000,converged,,false\n"
      "full-mesh,7,0,0,0,0,0,false,0.000000,0.000000,0.000000,0,0.000,error,\"reflectors: must be at "
      "least 1\",false\n");
}

TEST(BenchReport, EveryFormatSaysWhetherHugePagesWereOn) {
  BenchReport r = sample();
  r.huge_pages = true;
  EXPECT_EQ(bench_table(r).substr(0, bench_table(r).find('\n')), "model: full-mesh, seed 1, huge pages on");
  EXPECT_EQ(nlohmann::json::parse(bench_json(r))["huge_pages"], true);
  const std::string csv = bench_csv(r);
  EXPECT_NE(csv.find(",converged,,true\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("least 1\",true\n"), std::string::npos) << csv;
}

TEST(BenchReport, WithOneSizeThereIsNoExponent) {
  const auto r = make_bench_report("as-per-rack", 2, {point(40, 0.1, 100)});
  EXPECT_FALSE(r.wall_fit);
  EXPECT_NE(bench_table(r).find("wall time: not enough sizes to fit a growth exponent"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(bench_json(r))["fits"]["wall_s"].is_null());
}

std::string svg_of(const LineChart& c) {
  std::string svg, error;
  EXPECT_TRUE(line_chart_svg(c, svg, error)) << error;
  return svg;
}

TEST(BenchChart, PlotsWallTimeMessagesAndMemoryOnLogLogAxes) {
  const LineChart c = bench_chart(sample());
  ASSERT_EQ(c.series.size(), 3u);
  ASSERT_EQ(c.series[0].points.size(), 2u);
  EXPECT_EQ(c.series[0].points[0].x, 10);
  EXPECT_EQ(c.series[0].points[1].x, 20);
  EXPECT_TRUE(c.log_x && c.log_y);
  const std::string a = svg_of(c), b = svg_of(c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("</svg>"), std::string::npos);
  EXPECT_NE(a.find(as_svg_text("wall time (s)")), std::string::npos);  // the legend
}

TEST(BenchChart, NonPositivePointsOnLogAxesAreLeftOutWithoutFailing) {
  LineChart log;
  log.title = "routes";
  log.series = {{"n1", {{0, 0}, {1, 3}, {2, 5}}}, {"empty", {}}};
  log.log_x = log.log_y = true;
  EXPECT_NE(svg_of(log).find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace peerlab::reports
