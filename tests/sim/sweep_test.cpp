// The scale sweep behind `peerlab bench`: the power-law fit, the mapping of sizes onto generators,
// and one small measured point (simulated quantities only; timings are never asserted).
#include "sim/sweep.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace peerlab::sim {
namespace {

TEST(PowerFit, RecoversTheExponentAndCoefficientOfAnExactPowerLaw) {
  const std::vector<double> x{50, 100, 200, 400};
  std::vector<double> y;
  for (double v : x) y.push_back(3.0 * v * v);
  const auto f = fit_power_law(x, y);
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->exponent, 2.0, 1e-9);
  EXPECT_NEAR(f->coefficient, 3.0, 1e-6);
  EXPECT_NEAR(f->r2, 1.0, 1e-12);
  EXPECT_EQ(f->points, 4u);
}

TEST(PowerFit, IsTheLeastSquaresLineOnLogLogAxesForNoisyPoints) {
  // log2 x = 1, 2, 3; log2 y = 1, 3, 4: slope 1.5 by least squares.
  const auto f = fit_power_law({2, 4, 8}, {2, 8, 16});
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->exponent, 1.5, 1e-12);
  EXPECT_LT(f->r2, 1.0);
  EXPECT_GT(f->r2, 0.9);
}

TEST(PowerFit, NeedsTwoDistinctPositivePoints) {
  EXPECT_FALSE(fit_power_law({10}, {5}));
  EXPECT_FALSE(fit_power_law({10, 10}, {5, 6}));
  EXPECT_FALSE(fit_power_law({0, -1, 10}, {1, 1, 1}));  // only one usable point
  EXPECT_TRUE(fit_power_law({0, 10, 20}, {1, 1, 2}));   // the zero is left out
}

TEST(SweepParams, MapANodeCountOntoEachGeneratorAndLetExtraParametersOverride) {
  using P = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(sweep_params("full-mesh", 50, {}), (P{{"nodes", "50"}}));
  EXPECT_EQ(sweep_params("route-reflectors", 100, {{"reflectors", "4"}}),
            (P{{"clients", "100"}, {"reflectors", "4"}}));
  EXPECT_EQ(sweep_params("as-per-rack", 10'000, {}),
            (P{{"racks", "250"}, {"nodesPerRack", "40"}, {"spines", "4"}}));
  EXPECT_EQ(sweep_params("as-per-compute-server", 12, {{"torsPerRack", "2"}}),
            (P{{"racks", "1"}, {"nodesPerRack", "12"}, {"spines", "4"}, {"torsPerRack", "2"}}));
}

TEST(Sweep, MeasuresAFiveNodeMeshInAChildProcess) {
  SweepOptions o;
  o.model = "full-mesh";
  const SweepPoint p = measure(o, 5);
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.nodes, 5u);
  EXPECT_EQ(p.speakers, 5u);
  EXPECT_EQ(p.sessions, 10u);
  EXPECT_TRUE(p.converged);
  EXPECT_EQ(p.outcome, Outcome::Converged);
  EXPECT_DOUBLE_EQ(p.routes_per_node, 5.0);
  EXPECT_GT(p.messages, 0u);
  EXPECT_GT(p.peak_rss_bytes, 0u);
  o.isolate = false;  // the same simulated figures in this process
  const SweepPoint q = measure(o, 5);
  EXPECT_EQ(q.messages, p.messages);
  EXPECT_EQ(q.events, p.events);
  EXPECT_EQ(q.converged_at_s, p.converged_at_s);
}

TEST(Sweep, SaysWhichLimitStoppedARunThatDidNotConverge) {
  SweepOptions o;
  o.model = "full-mesh";
  o.event_limit = 50;
  const SweepPoint p = measure(o, 5);  // through the child's pipe
  ASSERT_EQ(p.error, "");
  EXPECT_FALSE(p.converged);
  EXPECT_EQ(p.outcome, Outcome::EventLimit);
  EXPECT_EQ(p.events, 50u);
}

TEST(Sweep, ReportsAnInvalidSizeAsAnErrorInsteadOfAPoint) {
  SweepOptions o;
  o.model = "route-reflectors";
  o.params = {{"reflectors", "0"}};
  const SweepPoint p = measure(o, 5);
  EXPECT_NE(p.error, "");
}

}  // namespace
}  // namespace peerlab::sim
