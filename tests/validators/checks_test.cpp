// The checks on the simulated network: the data-plane walk on designs with a known blackhole, a
// known loop and a known unreachable next hop, the session and convergence checks, and the
// failure checks on a redundant and a non-redundant design.
#include "validators/checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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

// A fixture of fixtures/checks/, named by its file name only so positions read "K101-….yaml:52:23".
Topology fixture(const std::string& name) {
  std::ifstream in(std::string(PEERLAB_SOURCE_DIR) + "/tests/validators/fixtures/checks/" + name);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_resources(ss.str(), name);
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, parsed.resources, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

// The options `peerlab check` builds: the file's CheckLimits over the defaults.
CheckOptions with_file_limits(const Topology& t) {
  CheckOptions o;
  apply_file_limits(o.limits, t.check_limits);
  return o;
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
  EXPECT_EQ(
      s[0]->message,
      "n1 Node_10_0_0_42 to 10.0.0.42 (n2) is start Active Socket: Connection refused: n2 has no session "
      "configured for this speaker's address (one-sided peering)");
  EXPECT_EQ(s[0]->loc.line, 32);
  EXPECT_EQ(s[1]->message,
            "n1 Node_10_0_0_43 to 10.0.0.43 is start Connect: nobody has address 10.0.0.43: connection "
            "attempts get "
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
  EXPECT_EQ(k101[0]->message, "5 nodes have more than 3 BGP sessions (n1 has 4; limit 3)");
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

TEST(CheckSimulated, ALimitFromTheFileTriggersTooManySessionsAndSaysWhereItCameFrom) {
  auto t = fixture("K101-limit-from-file.yaml");
  auto r = check_simulated(t, with_file_limits(t));
  auto k101 = with_code(r, "K101");
  ASSERT_EQ(k101.size(), 1u);
  EXPECT_EQ(k101[0]->severity, FindingSeverity::Warning);
  EXPECT_EQ(format_loc(k101[0]->loc), "K101-limit-from-file.yaml:9:1");
  EXPECT_EQ(k101[0]->message,
            "5 nodes have more than 3 BGP sessions (n1 has 4; limit 3 from K101-limit-from-file.yaml:54:23)");
}

TEST(CheckSimulated, AFileLimitThatEveryNodeMeetsExactlyIsNotExceeded) {
  auto t = fixture("K101-limit-from-file-ok.yaml");
  auto r = check_simulated(t, with_file_limits(t));
  EXPECT_TRUE(with_code(r, "K101").empty());
}

TEST(CheckSimulated, TheDefaultLimitIsCitedWithItsSourceInTheCalicoDocumentation) {
  CheckOptions o;
  o.limits.max_routes_per_node = 1;
  o.limits.routes_per_node_from = "--max-routes-per-node";
  auto r = check_simulated(load("tests/sim/topologies/mesh5.yaml"), o);
  ASSERT_EQ(with_code(r, "K103").size(), 1u);
  EXPECT_EQ(with_code(r, "K103")[0]->message, "node n1 holds 5 routes (limit 1 from --max-routes-per-node)");
  EXPECT_EQ(describe_limit("100", "", true, "Calico docs: full mesh up to ~100 nodes"),
            "limit 100 (default, Calico docs: full mesh up to ~100 nodes)");
}

TEST(CheckSimulated, ApplyingFileLimitsTakesOnlyTheFieldsTheFileSets) {
  auto t = fixture("K101-limit-from-file.yaml");
  ScaleLimits l;
  apply_file_limits(l, t.check_limits);
  EXPECT_EQ(l.max_sessions_per_node, 3u);
  EXPECT_EQ(l.sessions_from, "K101-limit-from-file.yaml:54:23");
  EXPECT_EQ(l.max_convergence_ms, 60'000);
  EXPECT_EQ(l.convergence_from, "K101-limit-from-file.yaml:55:19");
  EXPECT_EQ(l.max_routes_per_router, 128'000u);
  EXPECT_TRUE(l.routes_per_router_from.empty());
}

TEST(CheckSimulated, SessionsThatExpireTheirHoldTimerForEverMakeRoutesOscillate) {
  auto r = check_simulated(fixture("V102-flapping-routes.yaml"), {});
  auto v = with_code(r, "V102");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0]->severity, FindingSeverity::Error);
  EXPECT_EQ(
      v[0]->message,
      "2 prefixes at 2 speakers changed best path 3 or more times after the network converged (0.945s to "
      "60.945s, sampled every 1.000s); 52 best-path changes in all");
  EXPECT_EQ(v[0]->evidence,
            (std::vector<std::string>{"n1 10.244.0.64/26: 26 changes", "n2 10.244.0.0/26: 26 changes"}));
  // The simulator's convergence test sees every session Established and nothing in flight.
  EXPECT_EQ(with_code(r, "V100").size(), 1u);
}

TEST(CheckSimulated, SessionsThatStayUpDoNotOscillate) {
  auto r = check_simulated(fixture("V102-flapping-routes-ok.yaml"), {});
  EXPECT_EQ(with_code(r, "V100").size(), 1u);
  EXPECT_TRUE(with_code(r, "V102").empty());
}

TEST(CheckSimulated, ARunCutShortWhileStillConvergingIsNotAnOscillation) {
  // Every block arrives once at every node: the run did not converge, but nothing flips back.
  CheckOptions o;
  o.time_limit = 900 * sim::kMillisecond;
  o.oscillation_step = 50 * sim::kMillisecond;
  auto r = check_simulated(load("tests/sim/topologies/mesh5.yaml"), o);
  EXPECT_EQ(with_code(r, "V101").size(), 1u);
  EXPECT_TRUE(with_code(r, "V102").empty());
}

TEST(ReachabilityMatrix, ASmallDesignGetsTheFullNodeByNodeMatrixWithEachFailingWalksResult) {
  auto r = check_simulated(load("tests/sim/topologies/as-per-rack-same-as.yaml"), {});
  const auto& m = r.summary.matrix;
  EXPECT_EQ(m.grouping, "node");
  EXPECT_EQ(m.groups, (std::vector<std::string>{"n11", "n12", "n13", "n21", "n22", "n23"}));
  ASSERT_EQ(m.cells.size(), 6u);
  EXPECT_EQ(m.cells[0][0].pairs, 0u);  // a node's own blocks are not walked
  EXPECT_EQ(m.cells[0][1].delivered, 1u);
  EXPECT_EQ(m.cells[0][3].delivered, 0u);
  EXPECT_EQ(m.cells[0][3].failure, WalkResult::Blackhole);
  std::size_t pairs = 0, delivered = 0;
  for (const auto& row : m.cells)
    for (const auto& c : row) pairs += c.pairs, delivered += c.delivered;
  EXPECT_EQ(pairs, r.summary.pairs);
  EXPECT_EQ(delivered, r.summary.delivered);
}

TEST(ReachabilityMatrix, ALargerDesignIsSummarisedPerSegmentInNameOrder) {
  auto t = fixture("matrix-four-racks.yaml");
  auto r = check_simulated(t, {});
  const auto& m = r.summary.matrix;
  EXPECT_EQ(m.grouping, "segment");
  ASSERT_EQ(m.groups.size(), 4u);
  EXPECT_TRUE(std::is_sorted(m.groups.begin(), m.groups.end()));
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) {
      EXPECT_EQ(m.cells[i][j].pairs, i == j ? 20u : 25u) << m.groups[i] << " " << m.groups[j];
      EXPECT_EQ(m.cells[i][j].delivered, m.cells[i][j].pairs);
    }
}

}  // namespace
}  // namespace peerlab::validators
