// Tests of topology/validate.hpp: every cross-resource finding has a fixture that triggers it (code,
// position, exact message and hint), in Strict and Calicoctl modes, and a near miss that must not.
#include "topology/validate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "topology/resources.hpp"

namespace peerlab {
namespace {

const std::string kFile = "v.yaml";

Topology load(std::string_view text) {
  auto f = parse_resources(text, kFile);
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, f.resources, d);
  EXPECT_TRUE(d.items().empty()) << d.to_string();
  return t;
}

Diagnostics check(std::string_view text, ValidationMode mode = ValidationMode::Strict) {
  Topology t = load(text);
  Diagnostics d;
  validate(t, mode, d);
  return d;
}

// Every diagnostic, formatted with position and hint, in the order found.
std::vector<std::string> all(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.items()) out.push_back(format(x));
  return out;
}

using Lines = std::vector<std::string>;

std::string pool(std::string_view cidr, std::string_view spec = "") {
  return "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: " + std::string(cidr) + "\n" +
         (spec.empty() ? std::string() : "spec:\n" + std::string(spec));
}

std::string node(std::string_view name, std::string_view v4, std::string_view v6 = "") {
  std::string s = "apiVersion: v1\nkind: node\nmetadata:\n  name: " + std::string(name) + "\nspec:\n  bgp:\n";
  if (!v4.empty()) s += "    ipv4Address: " + std::string(v4) + "\n";
  if (!v6.empty()) s += "    ipv6Address: " + std::string(v6) + "\n";
  return s;
}

std::string node_peer(std::string_view host, std::string_view ip) {
  return "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  hostname: " + std::string(host) +
         "\n  peerIP: " + std::string(ip) + "\nspec:\n  asNumber: 64512\n";
}

std::string global_peer(std::string_view ip) {
  return "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: " + std::string(ip) +
         "\nspec:\n  asNumber: 64512\n";
}

std::string docs(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "---\n") + p;
  return out;
}

// ---- pools -----------------------------------------------------------------------------------

TEST(ValidatePool, RejectsAnIpv4PoolSmallerThanSlash26) {
  EXPECT_EQ(all(check(pool("10.0.0.0/27"))),
            Lines{"v.yaml:4:9: error[E205]: IP pool size is too small (min /26) for use with Calico IPAM\n"
                  "  hint: Calico hands out /26 blocks per node; use a pool of /26 or larger"});
}

TEST(ValidatePool, AcceptsASlash26Ipv4Pool) {
  EXPECT_EQ(all(check(pool("10.0.0.0/26"))), Lines{});
  EXPECT_EQ(all(check(pool("10.0.0.0/8"))), Lines{});
}

TEST(ValidatePool, RejectsAnIpv6PoolSmallerThanSlash122) {
  EXPECT_EQ(all(check(pool("fd00::/123"))),
            Lines{"v.yaml:4:9: error[E205]: IP pool size is too small (min /122) for use with Calico IPAM\n"
                  "  hint: Calico hands out /122 blocks per node; use a pool of /122 or larger"});
}

TEST(ValidatePool, AcceptsASlash122Ipv6Pool) {
  EXPECT_EQ(all(check(pool("fd00::/122"))), Lines{});
}

TEST(ValidatePool, RejectsAPoolThatIsNotStrictlyMasked) {
  EXPECT_EQ(all(check(pool("10.1.2.3/24"))),
            Lines{"v.yaml:4:9: error[E206]: IP pool CIDR is not strictly masked\n"
                  "  hint: did you mean 10.1.2.0/24?"});
  EXPECT_EQ(all(check(pool("fd00::1/64"))),
            Lines{"v.yaml:4:9: error[E206]: IP pool CIDR is not strictly masked\n"
                  "  hint: did you mean fd00::/64?"});
}

TEST(ValidatePool, AcceptsAStrictlyMaskedPool) {
  EXPECT_EQ(all(check(pool("10.1.2.0/24"))), Lines{});
}

TEST(ValidatePool, ReportsSizeAndMaskTogether) {
  EXPECT_EQ(all(check(pool("10.1.2.3/28"))),
            (Lines{"v.yaml:4:9: error[E205]: IP pool size is too small (min /26) for use with Calico IPAM\n"
                   "  hint: Calico hands out /26 blocks per node; use a pool of /26 or larger",
                   "v.yaml:4:9: error[E206]: IP pool CIDR is not strictly masked\n  hint: did you mean "
                   "10.1.2.0/28?"}));
}

TEST(ValidatePool, RejectsAPoolOverlappingTheLinkLocalRange) {
  EXPECT_EQ(all(check(pool("169.254.0.0/16"))),
            Lines{"v.yaml:4:9: error[E207]: IP pool range overlaps with the link local range 169.254.0.0/16\n"
                  "  hint: link-local addresses cannot be routed; choose another range"});
  // A pool that contains the link-local range overlaps it too.
  EXPECT_EQ(all(check(pool("128.0.0.0/1"))),
            Lines{"v.yaml:4:9: error[E207]: IP pool range overlaps with the link local range 169.254.0.0/16\n"
                  "  hint: link-local addresses cannot be routed; choose another range"});
  EXPECT_EQ(all(check(pool("fe80::/64"))),
            Lines{"v.yaml:4:9: error[E207]: IP pool range overlaps with the link local range fe80::/10\n"
                  "  hint: link-local addresses cannot be routed; choose another range"});
}

TEST(ValidatePool, AcceptsAPoolNextToTheLinkLocalRange) {
  EXPECT_EQ(all(check(pool("169.255.0.0/16"))), Lines{});
  EXPECT_EQ(all(check(pool("169.253.0.0/16"))), Lines{});
  EXPECT_EQ(all(check(pool("fec0::/10"))), Lines{});
}

TEST(ValidatePool, RejectsIpipOnAnIpv6Pool) {
  EXPECT_EQ(all(check(pool("fd00::/120", "  ipip:\n    enabled: true\n"))),
            Lines{"v.yaml:4:9: error[E208]: IPIP is not supported on an IPv6 IP pool\n"
                  "  hint: disable ipip on this pool"});
  EXPECT_EQ(all(check("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: v6\nspec:\n"
                      "  cidr: fd00::/64\n  ipipMode: CrossSubnet\n")),
            Lines{"v.yaml:6:9: error[E208]: IPIP is not supported on an IPv6 IP pool\n"
                  "  hint: disable ipip on this pool"});
}

TEST(ValidatePool, AcceptsAnIpv6PoolWithIpipOffAndAnIpv4PoolWithIpip) {
  EXPECT_EQ(all(check(pool("fd00::/64", "  ipip:\n    enabled: false\n"))), Lines{});
  EXPECT_EQ(all(check("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: v6\nspec:\n"
                      "  cidr: fd00::/64\n  ipipMode: Never\n")),
            Lines{});
  EXPECT_EQ(all(check(pool("10.0.0.0/16", "  ipip:\n    enabled: true\n"))), Lines{});
}

TEST(ValidatePool, PointsAtTheResourceWhenTheCidrPositionIsUnknown) {
  IpPool p;
  p.cidr = *parse_prefix("10.0.0.0/30");
  p.loc = {"x.yaml", 7, 1};
  Diagnostics d;
  validate_pool(p, d);
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].code, "E205");
  EXPECT_EQ(d.items()[0].loc, (SourceLoc{"x.yaml", 7, 1}));
}

TEST(Validate, RejectsOverlappingPoolsInStrictMode) {
  auto text = docs({pool("10.0.0.0/8"), pool("10.1.0.0/16")});
  EXPECT_EQ(
      all(check(text)),
      Lines{
          "v.yaml:6:1: error[E304]: IP pool 10.1.0.0/16 overlaps IP pool 10.0.0.0/8 (defined at v.yaml:1:1)\n"
          "  hint: IPAM blocks would be handed out twice; make the pools disjoint"});
}

TEST(Validate, WarnsAboutOverlappingPoolsInCalicoctlMode) {
  auto d = check(docs({pool("10.0.0.0/8"), pool("10.1.0.0/16")}), ValidationMode::Calicoctl);
  EXPECT_FALSE(d.has_errors());
  EXPECT_EQ(all(d), Lines{"v.yaml:6:1: warning[W304]: IP pool 10.1.0.0/16 overlaps IP pool 10.0.0.0/8 "
                          "(defined at v.yaml:1:1)\n"
                          "  hint: IPAM blocks would be handed out twice; make the pools disjoint"});
}

TEST(Validate, AcceptsDisjointPoolsAndPoolsOfTwoFamilies) {
  EXPECT_EQ(
      all(check(docs({pool("10.0.0.0/16"), pool("10.1.0.0/16"), pool("fd00::/64"), pool("fd01::/64")}))),
      Lines{});
  // All-zero addresses of both families: the same bytes, but never the same range.
  EXPECT_EQ(all(check(docs({pool("0.0.0.0/1"), pool("::/1")}))), Lines{});
}

// ---- addresses -------------------------------------------------------------------------------

TEST(Validate, RejectsTwoNodesWithOneAddressInStrictMode) {
  auto text = docs({node("a", "10.0.0.1/24"), node("b", "10.0.0.1/16")});
  EXPECT_EQ(all(check(text)),
            Lines{"v.yaml:9:1: error[E302]: address 10.0.0.1 of node 'b' is already used by node 'a' "
                  "(defined at v.yaml:1:1)\n"
                  "  hint: every node and router needs its own address; BGP sessions are keyed by address"});
}

TEST(Validate, WarnsAboutTwoNodesWithOneAddressInCalicoctlMode) {
  auto d =
      check(docs({node("a", "", "aa:bb::ff/64"), node("b", "", "aa:bb::ff/64")}), ValidationMode::Calicoctl);
  EXPECT_FALSE(d.has_errors());
  EXPECT_EQ(all(d),
            Lines{"v.yaml:9:1: warning[W302]: address aa:bb::ff of node 'b' is already used by node 'a' "
                  "(defined at v.yaml:1:1)\n"
                  "  hint: every node and router needs its own address; BGP sessions are keyed by address"});
}

TEST(Validate, RejectsARouterUsingANodesAddress) {
  auto text = docs({node("a", "10.0.0.1/24"),
                    "apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r1\nspec:\n  asNumber: 65000\n"
                    "  addresses: [10.0.0.1/24]\n"});
  EXPECT_EQ(all(check(text)),
            Lines{"v.yaml:9:1: error[E302]: address 10.0.0.1 of router 'r1' is already used by node 'a' "
                  "(defined at v.yaml:1:1)\n"
                  "  hint: every node and router needs its own address; BGP sessions are keyed by address"});
}

TEST(Validate, AcceptsNodesWithDistinctAddressesOnOneSubnet) {
  EXPECT_EQ(
      all(check(docs({node("a", "10.0.0.1/24", "aa:bb::1/64"), node("b", "10.0.0.2/24", "aa:bb::2/64")}))),
      Lines{});
}

// ---- peers -----------------------------------------------------------------------------------

TEST(Validate, RejectsANodePeerThatIsItsOwnNodeInStrictMode) {
  auto text = docs({node("n1", "10.0.0.1/24"), node_peer("n1", "10.0.0.1")});
  EXPECT_EQ(all(check(text)),
            Lines{"v.yaml:9:1: error[E303]: bgpPeer 10.0.0.1 is node 'n1' itself\n"
                  "  hint: a node cannot peer with its own address; did you mean another node's address?"});
}

TEST(Validate, WarnsAboutANodePeerThatIsItsOwnNodeInCalicoctlMode) {
  auto text = docs({node("Node1", "172.17.42.20/24", "aa:bb::ff/64"), node_peer("Node1", "aa:bb::ff")});
  auto d = check(text, ValidationMode::Calicoctl);
  EXPECT_FALSE(d.has_errors());
  EXPECT_EQ(all(d),
            Lines{"v.yaml:10:1: warning[W303]: bgpPeer aa:bb::ff is node 'Node1' itself\n"
                  "  hint: a node cannot peer with its own address; did you mean another node's address?"});
}

TEST(Validate, AcceptsAGlobalPeerWithANodesAddress) {
  EXPECT_EQ(all(check(docs({node("n1", "10.0.0.1/24"), node("n2", "10.0.0.2/24"), global_peer("10.0.0.1")}))),
            Lines{});
}

TEST(Validate, AcceptsANodePeerWithAnotherNodesAddress) {
  EXPECT_EQ(
      all(check(docs({node("n1", "10.0.0.1/24"), node("n2", "10.0.0.2/24"), node_peer("n1", "10.0.0.2")}))),
      Lines{});
}

TEST(Validate, OnlyWarnsAboutAPeerForAnUndeclaredNodeInBothModes) {
  auto text = docs({node("n1", "10.0.0.1/24"), node_peer("ghost", "10.0.0.9")});
  const Lines want{
      "v.yaml:9:1: warning[W308]: bgpPeer 10.0.0.9 belongs to node 'ghost', which is not declared\n"
      "  hint: the peering takes effect once a node of that name exists (calicoctl accepts this)"};
  auto strict = check(text, ValidationMode::Strict);
  EXPECT_FALSE(strict.has_errors());
  EXPECT_EQ(all(strict), want);
  auto ctl = check(text, ValidationMode::Calicoctl);
  EXPECT_FALSE(ctl.has_errors());
  EXPECT_EQ(all(ctl), want);
}

TEST(Validate, WarnsAboutAV3PeerForAnUndeclaredNode) {
  auto text =
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p1\nspec:\n  node: ghost\n"
      "  peerIP: 10.0.0.9\n  asNumber: 64512\n";
  EXPECT_EQ(
      all(check(text)),
      Lines{"v.yaml:1:1: warning[W308]: bgpPeer 10.0.0.9 belongs to node 'ghost', which is not declared\n"
            "  hint: the peering takes effect once a node of that name exists (calicoctl accepts this)"});
}

TEST(Validate, WarnsAboutALogLevelForAnUndeclaredNode) {
  auto text =
      "apiVersion: peerlab/v1\nkind: ClusterConfig\nmetadata:\n  name: default\nspec:\n"
      "  nodeLogLevels:\n    ghost: debug\n";
  EXPECT_EQ(all(check(text)),
            Lines{"v.yaml:1:1: warning[W308]: logLevel is set for node 'ghost', which is not declared\n"
                  "  hint: it takes effect once a node of that name exists"});
}

TEST(Validate, RejectsAnInvalidSelector) {
  auto text =
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p1\nspec:\n"
      "  nodeSelector: has(x\n  peerSelector: a = 'b'\n";
  EXPECT_EQ(
      all(check(text)),
      (Lines{
          "v.yaml:1:1: error[E210]: invalid nodeSelector 'has(x': expected ')' at position 6\n"
          "  hint: selectors look like: all(), has(label), label == 'value', !has(a) && b != 'c'",
          "v.yaml:1:1: error[E210]: invalid peerSelector 'a = 'b'': expected ==, !=, in or not in after 'a' "
          "at position 3\n"
          "  hint: selectors look like: all(), has(label), label == 'value', !has(a) && b != 'c'"}));
}

TEST(Validate, AcceptsValidSelectors) {
  auto text =
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p1\nspec:\n"
      "  nodeSelector: all()\n  peerSelector: route-reflector == 'true'\n";
  EXPECT_EQ(all(check(text)), Lines{});
}

// ---- the fabric ------------------------------------------------------------------------------

std::string router(std::string_view name, std::string_view addresses, std::string_view extra = "") {
  return "apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: " + std::string(name) +
         "\nspec:\n  asNumber: 65000\n  addresses: [" + std::string(addresses) + "]\n" + std::string(extra);
}

std::string segment(std::string_view name, std::string_view cidr) {
  return "apiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: " + std::string(name) +
         "\nspec:\n  cidr: " + std::string(cidr) + "\n";
}

std::string link(std::string_view name, std::string_view a, std::string_view b) {
  return "apiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: " + std::string(name) +
         "\nspec:\n  a: " + std::string(a) + "\n  b: " + std::string(b) + "\n";
}

TEST(Validate, RejectsALinkToAnUnknownRouterWithADidYouMeanHint) {
  auto text =
      docs({router("tor1", "10.0.0.1/24"), segment("rack1", "10.0.0.0/24"), link("l1", "rack1", "tor2")});
  EXPECT_EQ(
      all(check(text)),
      Lines{"v.yaml:16:1: error[E308]: link 'l1' names 'tor2', which is neither a router nor a segment\n"
            "  hint: did you mean 'tor1'?"});
}

TEST(Validate, RejectsALinkToSomethingUnknownAtBothEnds) {
  auto text = docs({router("tor1", "10.0.0.1/24"), link("l1", "spine-a", "border-b")});
  EXPECT_EQ(
      all(check(text)),
      (Lines{"v.yaml:9:1: error[E308]: link 'l1' names 'spine-a', which is neither a router nor a segment\n"
             "  hint: declare a Router or Segment of that name",
             "v.yaml:9:1: error[E308]: link 'l1' names 'border-b', which is neither a router nor a segment\n"
             "  hint: declare a Router or Segment of that name"}));
}

TEST(Validate, AcceptsALinkBetweenARouterAndASegment) {
  EXPECT_EQ(all(check(docs({router("tor1", "10.0.0.1/24"), segment("rack1", "10.0.0.0/24"),
                            link("l1", "tor1", "rack1")}))),
            Lines{});
}

TEST(Validate, RejectsOverlappingSegments) {
  auto text = docs({segment("a", "10.0.0.0/16"), segment("b", "10.0.1.0/24")});
  EXPECT_EQ(all(check(text)),
            Lines{"v.yaml:8:1: error[E311]: segment 'b' (10.0.1.0/24) overlaps segment 'a' "
                  "(10.0.0.0/16)\n"
                  "  hint: an address must belong to one L2 segment; make the ranges disjoint"});
}

TEST(Validate, AcceptsAdjacentSegmentsAndSegmentsOfTwoFamilies) {
  EXPECT_EQ(all(check(docs(
                {segment("a", "10.0.0.0/25"), segment("b", "10.0.0.128/25"), segment("c", "'fd00::/64'")}))),
            Lines{});
}

TEST(Validate, RejectsARouterNeighborThatIsTheRoutersOwnAddressInBothModes) {
  auto text = router("r1", "10.0.0.1/24, 10.0.1.1/24",
                     "  neighbors:\n  - address: 10.0.0.2\n    asNumber: 64512\n  - address: 10.0.1.1\n"
                     "    asNumber: 65000\n");
  const Lines want{
      "v.yaml:11:5: error[E303]: router 'r1' lists its own address 10.0.1.1 as a neighbor\n"
      "  hint: a router cannot peer with itself"};
  EXPECT_EQ(all(check(text)), want);
  EXPECT_EQ(all(check(text, ValidationMode::Calicoctl)), want);
}

TEST(Validate, AcceptsARouterNeighborOnItsOwnSubnet) {
  EXPECT_EQ(
      all(check(router("r1", "10.0.0.1/24", "  neighbors:\n  - address: 10.0.0.2\n    asNumber: 64512\n"))),
      Lines{});
}

// ---- whole files -----------------------------------------------------------------------------

TEST(Validate, ReportsEveryProblemOfAFile) {
  auto text = docs({node("a", "10.0.0.1/24"), node("b", "10.0.0.1/24"), node_peer("a", "10.0.0.1"),
                    pool("10.0.0.0/8"), pool("10.1.2.3/28")});
  std::vector<std::string> codes;
  auto diags = check(text);
  for (const auto& d : diags.items()) codes.push_back(d.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"E205", "E206", "E304", "E302", "E303"}));
}

TEST(Validate, FindsNothingWrongWithTheExamples) {
  for (const char* name : {"doc-cluster.yaml", "fabric-two-racks.yaml", "v3-route-reflectors.yaml"}) {
    auto f = parse_file(std::string(PEERLAB_SOURCE_DIR) + "/examples/" + name);
    EXPECT_TRUE(f.diagnostics.items().empty()) << name << "\n" << f.diagnostics.to_string();
    Topology t;
    Diagnostics d;
    add_resources(t, f.resources, d);
    validate(t, ValidationMode::Strict, d);
    EXPECT_FALSE(d.has_errors()) << name << "\n" << d.to_string();
  }
}

}  // namespace
}  // namespace peerlab
