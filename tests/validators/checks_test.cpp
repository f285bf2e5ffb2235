// The checks on the simulated network: the data-plane walk on designs with a known blackhole, a
// known loop and a known unreachable next hop, the session and convergence checks, and the
// failure checks on a redundant and a non-redundant design.
#include "validators/checks.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "topology/peerings.hpp"
#include "topology/resources.hpp"

namespace peerlab::validators {
namespace {

Topology load(const std::string& relative) {
  std::ifstream in(std::string(PEERLAB_SOURCE_DIR) + "/" + relative);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_resources(ss.str(), relative);
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, parsed.resources, d);
  return t;
}

std::vector<const Finding*> with_code(const CheckResult& r, const std::string& code) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings)
    if (f.code == code) out.push_back(&f);
  return out;
}

TEST(Reachability, AFullMeshDeliversEveryPairInOneHop) {
  auto t = load("tests/sim/topologies/mesh5.yaml");
  sim::Network net(t, derive_speakers(t));
  net.run();
  auto m = reachability(t, net);
  EXPECT_EQ(m.pairs, 20u);
  EXPECT_EQ(m.delivered, 20u);
  EXPECT_TRUE(m.failures.empty());
}

TEST(Reachability, RacksSharingAnAsBlackholeTrafficToTheOtherRackAtTheSource) {
  auto t = load("tests/sim/topologies/as-per-rack-same-as.yaml");
  sim::Network net(t, derive_speakers(t));
  net.run();
  auto m = reachability(t, net);
  EXPECT_EQ(m.pairs, 30u);
  EXPECT_EQ(m.delivered, 12u);  // within each rack: 2 x 3 x 2
  ASSERT_EQ(m.failures.size(), 18u);
  const auto& w = m.failures.front();
  EXPECT_EQ(w.result, WalkResult::Blackhole);
  EXPECT_EQ(w.from, "n11");
  EXPECT_EQ(w.path, std::vector<std::string>{"n11"});
  EXPECT_EQ(w.detail, "n11 has no route to 10.244.0.192/26");
}

TEST(Reachability, ARouteBackThroughTheGatewayIsALoop) {
  auto t = load("tests/validators/fixtures/checks/loop.yaml");
  sim::Network net(t, derive_speakers(t));
  net.run();
  auto m = reachability(t, net);
  EXPECT_EQ(m.pairs, 2u);
  EXPECT_EQ(m.delivered, 1u);
  ASSERT_EQ(m.failures.size(), 1u);
  EXPECT_EQ(m.failures[0].result, WalkResult::Loop);
  EXPECT_EQ(m.failures[0].path, (std::vector<std::string>{"a", "r", "a"}));
}

TEST(Reachability, ANextHopBehindASegmentThatWentDownIsUnreachable) {
  auto t = load("tests/sim/topologies/mesh5.yaml");
  sim::Network net(t, derive_speakers(t));
  net.run();
  ASSERT_TRUE(net.set_segment_up("subnet 10.0.0.0/24", false));
  // The sessions are still Established (hold timers have not expired), the data plane is gone.
  auto m = reachability(t, net);
  EXPECT_EQ(m.delivered, 0u);
  ASSERT_EQ(m.failures.size(), 20u);
  EXPECT_EQ(m.failures[0].result, WalkResult::UnreachableNextHop);
  EXPECT_EQ(m.failures[0].detail, "n1 cannot reach next hop 10.0.0.12 (n2)");
}

TEST(CheckSimulated, ACleanMeshHasOnlyInformationalFindings) {
  auto r = check_simulated(load("tests/sim/topologies/mesh5.yaml"), {});
  for (const auto& f : r.findings) EXPECT_EQ(f.severity, FindingSeverity::Info) << f.code << " " << f.message;
  EXPECT_EQ(r.summary.pairs, 20u);
  EXPECT_EQ(r.summary.delivered, 20u);
  ASSERT_EQ(with_code(r, "R100").size(), 1u);
  EXPECT_EQ(with_code(r, "R100")[0]->message, "20 of 20 node-to-block pairs are reachable");
  ASSERT_EQ(with_code(r, "V100").size(), 1u);
}

TEST(CheckSimulated, ASessionThatIsNotUpIsAnErrorPointingAtItsBgpPeer) {
  auto r = check_simulated(load("tests/sim/topologies/one-sided.yaml"), {});
  auto s = with_code(r, "S101");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0]->severity, FindingSeverity::Error);
  EXPECT_EQ(s[0]->message,
            "n1 Node_10_0_0_42 to 10.0.0.42 (n2) is start Active Socket: Connection refused: n2 has no session "
            "configured for this speaker's address (one-sided peering)");
  EXPECT_EQ(s[0]->loc.line, 32);
  EXPECT_EQ(s[1]->message,
            "n1 Node_10_0_0_43 to 10.0.0.43 is start Connect: nobody has address 10.0.0.43: connection attempts get "
            "no answer");
}

TEST(CheckSimulated, ARunThatHitsItsLimitDidNotConverge) {
  CheckOptions o;
  auto t = load("tests/sim/topologies/as-mismatch.yaml");
  auto r = check_simulated(t, o);
  // The AS mismatch loop settles into a steady cycle: it converges, with sessions down.
  EXPECT_EQ(with_code(r, "V100").size(), 1u);
  EXPECT_EQ(with_code(r, "S101").size(), 2u);
}

TEST(CheckSimulated, SlowConvergenceAndTooManySessionsAreScaleWarnings) {
  CheckOptions o;
  o.limits.max_sessions_per_node = 3;
  o.limits.max_convergence_ms = 1000;
  auto r = check_simulated(load("tests/sim/topologies/mesh5.yaml"), o);
  auto k101 = with_code(r, "K101");
  ASSERT_EQ(k101.size(), 1u);
  EXPECT_EQ(k101[0]->message, "5 nodes have more than 3 BGP sessions (n1 has 4)");
  EXPECT_EQ(with_code(r, "K104").size(), 1u);
}

TEST(CheckSimulated, OneRouteReflectorFailingLosesNothingWhenThereAreTwo) {
  CheckOptions o;
  o.failures = 1;
  auto r = check_simulated(load("tests/sim/topologies/rr2-mesh-off.yaml"), o);
  EXPECT_TRUE(with_code(r, "F101").empty());
  ASSERT_EQ(with_code(r, "F100").size(), 1u);
  EXPECT_EQ(with_code(r, "F100")[0]->evidence, (std::vector<std::string>{"rr1", "rr2"}));
  EXPECT_EQ(r.summary.failure_cases, 2u);
}

TEST(CheckSimulated, APairOfFailuresFindsTheRedundantPairsWeakness) {
  CheckOptions o;
  o.failures = 2;
  auto r = check_simulated(load("tests/sim/topologies/rr2-mesh-off.yaml"), o);
  auto f = with_code(r, "F101");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->message, "with rr1 + rr2 failed, 30 of 30 node-to-block pairs become unreachable");
}

TEST(CheckSimulated, ASingleTorPerRackIsASinglePointOfFailure) {
  CheckOptions o;
  o.failures = 1;
  auto r = check_simulated(load("tests/sim/topologies/as-per-rack.yaml"), o);
  auto f = with_code(r, "F101");
  ASSERT_EQ(f.size(), 3u);  // spine, tor1, tor2
  EXPECT_EQ(f[0]->message, "with spine failed, 18 of 30 node-to-block pairs become unreachable");
}

}  // namespace
}  // namespace peerlab::validators
