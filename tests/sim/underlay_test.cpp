// Unit tests of sim/underlay.hpp on small hand-drawn topologies written as YAML: implicit segments
// for plain calicoctl files, declared segments joined by routers, router-router and router-segment
// links, shortest paths, and host, segment and link faults. Latencies are worked out by hand from
// the rule in underlay.cpp: entering a segment from a host costs the segment's latency, crossing a
// link costs the link's latency.
#include "sim/underlay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "topology/resources.hpp"

namespace peerlab::sim {
namespace {

Topology load(const std::string& text) {
  auto parsed = parse_resources(text, "underlay.yaml");
  Diagnostics d = parsed.diagnostics;
  Topology t;
  add_resources(t, parsed.resources, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

// A v1 node with the given spec.bgp lines ("ipv4Address: 10.0.0.1/24").
std::string node(const std::string& name, std::initializer_list<std::string> bgp) {
  std::string s = "---\napiVersion: v1\nkind: node\nmetadata:\n  name: " + name + "\nspec:\n  bgp:\n";
  for (const auto& line : bgp) s += "    " + line + "\n";
  return s;
}

std::string segment(const std::string& name, const std::string& cidr, const std::string& latency) {
  return "---\napiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: " + name +
         "\nspec:\n  cidr: " + cidr + "\n  latency: " + latency + "\n";
}

std::string router(const std::string& name, const std::string& addresses) {
  return "---\napiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: " + name +
         "\nspec:\n  asNumber: 65000\n  addresses: [" + addresses + "]\n";
}

std::string link(const std::string& name, const std::string& a, const std::string& b,
                 const std::string& latency) {
  return "---\napiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: " + name + "\nspec:\n  a: " + a +
         "\n  b: " + b + "\n  latency: " + latency + "\n";
}

IpAddr ip(std::string_view text) {
  auto a = parse_ip(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddr{});
}

// The names of the routers a path crosses, in order.
std::vector<std::string> via_names(const Underlay& u, const UnderlayPath& p) {
  std::vector<std::string> out;
  for (HostId h : p.via) out.push_back(u.host_name(h));
  return out;
}

using Names = std::vector<std::string>;

// ---- a plain calicoctl file: implicit segments --------------------------------------------------

// Nodes a and b share 10.0.0.0/24; c is alone in 10.0.1.0/24; d runs no BGP (policy only).
std::string plain_nodes() {
  return node("a", {"ipv4Address: 10.0.0.1/24"}) + node("b", {"ipv4Address: 10.0.0.2/24"}) +
         node("c", {"ipv4Address: 10.0.1.1/24"}) +
         "---\napiVersion: v1\nkind: node\nmetadata:\n  name: d\nspec: {}\n";
}

TEST(Underlay, RegistersEveryBgpNodeWithAnAddressInModelOrderAndNothingElse) {
  Underlay u(load(plain_nodes()));
  ASSERT_EQ(u.host_count(), 3U);
  EXPECT_EQ(u.host_name(0), "a");
  EXPECT_EQ(u.host_name(1), "b");
  EXPECT_EQ(u.host_name(2), "c");
  EXPECT_EQ(u.host_by_name("d"), kNoHost);
  EXPECT_FALSE(u.is_router(0));
  EXPECT_TRUE(u.host_up(0));
  EXPECT_EQ(u.segment_count(), 2U);  // one implicit segment per subnet
}

TEST(Underlay, NodesSharingASubnetReachEachOtherDirectlyOverTheImplicitSegment) {
  Underlay u(load(plain_nodes()));
  HostId a = u.host_by_name("a"), b = u.host_by_name("b");
  auto ab = u.path(a, b);
  EXPECT_TRUE(ab.reachable);
  EXPECT_EQ(ab.latency, 100);
  EXPECT_TRUE(ab.via.empty());
  auto ba = u.path(b, a);
  EXPECT_TRUE(ba.reachable);
  EXPECT_EQ(ba.latency, 100);
  EXPECT_TRUE(ba.via.empty());
  EXPECT_TRUE(u.reachable(a, b));
}

TEST(Underlay, ANodeInAnotherSubnetIsUnreachableWithoutARouter) {
  Underlay u(load(plain_nodes()));
  HostId a = u.host_by_name("a"), c = u.host_by_name("c");
  auto ac = u.path(a, c);
  EXPECT_FALSE(ac.reachable);
  EXPECT_EQ(ac.latency, 0);
  EXPECT_TRUE(ac.via.empty());
  EXPECT_FALSE(u.reachable(c, a));
  EXPECT_FALSE(u.reachable(u.host_by_name("b"), c));
}

TEST(Underlay, AHostReachesItselfAtNoCost) {
  Underlay u(load(plain_nodes()));
  auto p = u.path(0, 0);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 0);
  EXPECT_TRUE(p.via.empty());
}

TEST(Underlay, APathToOrFromAnUnknownHostIdIsUnreachable) {
  Underlay u(load(plain_nodes()));
  EXPECT_FALSE(u.reachable(0, 3));
  EXPECT_FALSE(u.reachable(kNoHost, 0));
  EXPECT_FALSE(u.reachable(0, kNoHost));
}

TEST(Underlay, OwnerOfNamesTheHostThatHasTheExactAddress) {
  Underlay u(load(node("a", {"ipv4Address: 10.0.0.1/24", "ipv6Address: fd00::1/64"}) +
                  node("b", {"ipv4Address: 10.0.0.2/24"}) + router("gw", "10.0.0.254/24, 10.9.0.1/24")));
  EXPECT_EQ(u.owner_of(ip("10.0.0.1")), u.host_by_name("a"));
  EXPECT_EQ(u.owner_of(ip("fd00::1")), u.host_by_name("a"));
  EXPECT_EQ(u.owner_of(ip("10.0.0.2")), u.host_by_name("b"));
  EXPECT_EQ(u.owner_of(ip("10.0.0.254")), u.host_by_name("gw"));
  EXPECT_EQ(u.owner_of(ip("10.9.0.1")), u.host_by_name("gw"));
}

TEST(Underlay, OwnerOfAnAddressNobodyHasIsNoHost) {
  Underlay u(load(plain_nodes()));
  EXPECT_EQ(u.owner_of(ip("10.0.0.3")), kNoHost);  // inside a's subnet, but nobody is there
  EXPECT_EQ(u.owner_of(ip("10.0.0.0")), kNoHost);
  EXPECT_EQ(u.owner_of(ip("fd00::1")), kNoHost);
}

TEST(Underlay, HostByNameFindsNodesAndRoutersButNotSegmentsOrUnknownNames) {
  Underlay u(load(node("n1", {"ipv4Address: 10.1.0.10/24"}) + segment("lan-a", "10.1.0.0/24", "100us") +
                  router("gw", "10.1.0.1/24")));
  ASSERT_EQ(u.host_count(), 2U);
  EXPECT_EQ(u.host_by_name("n1"), 0U);  // nodes first, then routers
  EXPECT_EQ(u.host_by_name("gw"), 1U);
  EXPECT_TRUE(u.is_router(1));
  EXPECT_FALSE(u.is_router(0));
  EXPECT_EQ(u.host_name(1), "gw");
  EXPECT_EQ(u.host_by_name("lan-a"), kNoHost);
  EXPECT_EQ(u.host_by_name("nope"), kNoHost);
  EXPECT_EQ(u.host_by_name(""), kNoHost);
}

// ---- declared segments and routers --------------------------------------------------------------

// lan-a (100us) and lan-b (250us) joined by router gw; n1 and n3 on lan-a, n2 on lan-b.
std::string two_lans() {
  return segment("lan-a", "10.1.0.0/24", "100us") + segment("lan-b", "10.2.0.0/24", "250us") +
         router("gw", "10.1.0.1/24, 10.2.0.1/24") + node("n1", {"ipv4Address: 10.1.0.10/24"}) +
         node("n2", {"ipv4Address: 10.2.0.10/24"}) +
         node("n3", {"ipv4Address: 10.1.0.20/16"});  // inside lan-a although written as a /16
}

TEST(Underlay, HostsAttachToTheDeclaredSegmentContainingTheirAddress) {
  Underlay u(load(two_lans()));
  EXPECT_EQ(u.segment_count(), 2U);  // no implicit segment: every address lies in a declared one
  HostId n1 = u.host_by_name("n1"), n3 = u.host_by_name("n3"), gw = u.host_by_name("gw");
  auto p = u.path(n1, n3);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 100);
  EXPECT_TRUE(p.via.empty());
  auto q = u.path(n1, gw);
  EXPECT_TRUE(q.reachable);
  EXPECT_EQ(q.latency, 100);
  EXPECT_TRUE(q.via.empty());
  auto r = u.path(gw, u.host_by_name("n2"));
  EXPECT_TRUE(r.reachable);
  EXPECT_EQ(r.latency, 250);
}

TEST(Underlay, ARouterInTwoSegmentsForwardsBetweenThemAndLatenciesAdd) {
  Underlay u(load(two_lans()));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2"), n3 = u.host_by_name("n3");
  auto p = u.path(n1, n2);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 350);
  EXPECT_EQ(via_names(u, p), (Names{"gw"}));
  auto back = u.path(n2, n3);
  EXPECT_TRUE(back.reachable);
  EXPECT_EQ(back.latency, 350);
  EXPECT_EQ(via_names(u, back), (Names{"gw"}));
}

// lan4 and lan6 share no router; "dual" has an address in each, x is on lan4 only, y on lan6 only.
std::string dual_homed_node(bool with_router) {
  std::string s = segment("lan4", "10.1.0.0/24", "100us") + segment("lan6", "fd00:1::/64", "100us") +
                  node("dual", {"ipv4Address: 10.1.0.5/24", "ipv6Address: fd00:1::5/64"}) +
                  node("x", {"ipv4Address: 10.1.0.6/24"}) + node("y", {"ipv6Address: fd00:1::6/64"});
  if (with_router) s += router("r", "10.1.0.1/24, fd00:1::1/64");
  return s;
}

TEST(Underlay, ACalicoNodeInTwoSegmentsDoesNotForwardBetweenThem) {
  Underlay u(load(dual_homed_node(false)));
  HostId dual = u.host_by_name("dual"), x = u.host_by_name("x"), y = u.host_by_name("y");
  EXPECT_TRUE(u.reachable(x, dual));
  EXPECT_TRUE(u.reachable(dual, y));
  auto xy = u.path(x, y);
  EXPECT_FALSE(xy.reachable);
  EXPECT_EQ(xy.latency, 0);
  EXPECT_TRUE(xy.via.empty());
  EXPECT_FALSE(u.reachable(y, x));
}

TEST(Underlay, ARouterInTheSameTwoSegmentsDoesForward) {
  Underlay u(load(dual_homed_node(true)));
  auto xy = u.path(u.host_by_name("x"), u.host_by_name("y"));
  EXPECT_TRUE(xy.reachable);
  EXPECT_EQ(xy.latency, 200);
  EXPECT_EQ(via_names(u, xy), (Names{"r"}));
}

// ---- links --------------------------------------------------------------------------------------

// n1 on lan-a (100us) behind r1, n2 on lan-b (200us) behind r2; r1 and r2 joined by a 1ms link.
// With `detour`, r3 (in a subnet of its own) offers a faster way: r1-r3 200us, r3-r2 300us.
std::string linked_routers(bool detour) {
  std::string s = segment("lan-a", "10.1.0.0/24", "100us") + segment("lan-b", "10.2.0.0/24", "200us") +
                  router("r1", "10.1.0.1/24") + router("r2", "10.2.0.1/24") +
                  node("n1", {"ipv4Address: 10.1.0.10/24"}) + node("n2", {"ipv4Address: 10.2.0.10/24"}) +
                  link("r1-r2", "r1", "r2", "1ms");
  if (detour)
    s +=
        router("r3", "10.9.0.3/24") + link("r1-r3", "r1", "r3", "200us") + link("r3-r2", "r3", "r2", "300us");
  return s;
}

TEST(Underlay, ARouterRouterLinkCarriesTrafficBetweenSegments) {
  Underlay u(load(linked_routers(false)));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2");
  auto p = u.path(n1, n2);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 100 + 1000 + 200);
  EXPECT_EQ(via_names(u, p), (Names{"r1", "r2"}));
  auto back = u.path(n2, n1);
  EXPECT_TRUE(back.reachable);
  EXPECT_EQ(back.latency, 200 + 1000 + 100);
  EXPECT_EQ(via_names(u, back), (Names{"r2", "r1"}));
}

TEST(Underlay, TwoRoutersJoinedOnlyByALinkReachEachOtherWithNoRouterInBetween) {
  Underlay u(load(linked_routers(false)));
  auto p = u.path(u.host_by_name("r1"), u.host_by_name("r2"));
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 1000);
  EXPECT_TRUE(p.via.empty());
}

TEST(Underlay, TheLowestLatencyPathWinsWhenThereAreTwo) {
  Underlay u(load(linked_routers(true)));
  auto p = u.path(u.host_by_name("n1"), u.host_by_name("n2"));
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 100 + 200 + 300 + 200);
  EXPECT_EQ(via_names(u, p), (Names{"r1", "r3", "r2"}));
}

TEST(Underlay, TakingTheFasterLinkDownFallsBackToTheSlowerPathAndBringingItUpRestoresIt) {
  Underlay u(load(linked_routers(true)));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2");
  ASSERT_EQ(u.path(n1, n2).latency, 800);  // computed (and cached) before the fault
  EXPECT_TRUE(u.set_link_up("r3-r2", false));
  auto p = u.path(n1, n2);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 1300);
  EXPECT_EQ(via_names(u, p), (Names{"r1", "r2"}));
  EXPECT_TRUE(u.set_link_up("r3-r2", true));
  auto q = u.path(n1, n2);
  EXPECT_EQ(q.latency, 800);
  EXPECT_EQ(via_names(u, q), (Names{"r1", "r3", "r2"}));
}

TEST(Underlay, TakingTheOnlyLinkDownMakesTheFarSideUnreachable) {
  Underlay u(load(linked_routers(false)));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2");
  ASSERT_TRUE(u.reachable(n1, n2));
  EXPECT_TRUE(u.set_link_up("r1-r2", false));
  EXPECT_FALSE(u.reachable(n1, n2));
  EXPECT_FALSE(u.reachable(n2, n1));
  EXPECT_TRUE(u.reachable(n1, u.host_by_name("r1")));  // the near side is untouched
  EXPECT_TRUE(u.set_link_up("r1-r2", true));
  EXPECT_TRUE(u.reachable(n1, n2));
}

// r1 sits on lan-a only and reaches lan-b through a 50us link to the segment itself.
std::string router_segment_link() {
  return segment("lan-a", "10.1.0.0/24", "100us") + segment("lan-b", "10.2.0.0/24", "200us") +
         router("r1", "10.1.0.1/24") + node("n1", {"ipv4Address: 10.1.0.10/24"}) +
         node("n2", {"ipv4Address: 10.2.0.10/24"}) + link("r1-lanb", "r1", "lan-b", "50us");
}

TEST(Underlay, ARouterSegmentLinkCarriesTrafficIntoAndOutOfTheSegment) {
  Underlay u(load(router_segment_link()));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2");
  auto p = u.path(n1, n2);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(via_names(u, p), (Names{"r1"}));
  auto back = u.path(n2, n1);
  EXPECT_TRUE(back.reachable);
  EXPECT_EQ(via_names(u, back), (Names{"r1"}));
  EXPECT_TRUE(u.set_link_up("r1-lanb", false));
  EXPECT_FALSE(u.reachable(n1, n2));
  EXPECT_FALSE(u.reachable(n2, n1));
}

TEST(Underlay, ARouterSegmentLinkHasTheSameOneWayLatencyInBothDirections) {
  Underlay u(load(router_segment_link()));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2");
  // Either way the packet crosses lan-a (100us), the link (50us) and lan-b (200us).
  EXPECT_EQ(u.path(n1, n2).latency, 350);
  EXPECT_EQ(u.path(n2, n1).latency, 350);
}

// ---- faults -------------------------------------------------------------------------------------

TEST(Underlay, ARouterGoingDownCutsTheFarSideOffAndComingBackUpRestoresIt) {
  Underlay u(load(two_lans()));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2"), n3 = u.host_by_name("n3");
  HostId gw = u.host_by_name("gw");
  ASSERT_TRUE(u.reachable(n1, n2));
  EXPECT_TRUE(u.set_host_up("gw", false));
  EXPECT_FALSE(u.host_up(gw));
  EXPECT_FALSE(u.reachable(n1, n2));
  EXPECT_FALSE(u.reachable(n2, n1));
  EXPECT_TRUE(u.reachable(n1, n3));  // same segment, no router needed
  EXPECT_TRUE(u.set_host_up("gw", true));
  EXPECT_TRUE(u.host_up(gw));
  auto p = u.path(n1, n2);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 350);
  EXPECT_EQ(via_names(u, p), (Names{"gw"}));
}

TEST(Underlay, ADownEndpointIsUnreachableEvenOnItsOwnSegment) {
  Underlay u(load(two_lans()));
  HostId n1 = u.host_by_name("n1"), n3 = u.host_by_name("n3"), gw = u.host_by_name("gw");
  EXPECT_TRUE(u.set_host_up("n3", false));
  auto p = u.path(n1, n3);
  EXPECT_FALSE(p.reachable);
  EXPECT_EQ(p.latency, 0);
  EXPECT_TRUE(p.via.empty());
  EXPECT_FALSE(u.reachable(n3, n1));
  EXPECT_FALSE(u.reachable(n3, n3));
  EXPECT_TRUE(u.set_host_up("gw", false));
  EXPECT_FALSE(u.reachable(n1, gw));
  EXPECT_FALSE(u.reachable(gw, n1));
}

TEST(Underlay, ASegmentGoingDownCutsItsHostsOffAndComingBackUpRestoresThem) {
  Underlay u(load(two_lans()));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2"), n3 = u.host_by_name("n3");
  HostId gw = u.host_by_name("gw");
  ASSERT_TRUE(u.reachable(n1, n2));
  EXPECT_TRUE(u.set_segment_up("lan-b", false));
  EXPECT_FALSE(u.reachable(n1, n2));
  EXPECT_FALSE(u.reachable(gw, n2));
  EXPECT_FALSE(u.reachable(n2, gw));
  EXPECT_TRUE(u.reachable(n1, n3));
  EXPECT_TRUE(u.set_segment_up("lan-a", false));
  EXPECT_FALSE(u.reachable(n1, n3));  // a shared segment that is down is no direct path
  EXPECT_TRUE(u.set_segment_up("lan-a", true));
  EXPECT_TRUE(u.set_segment_up("lan-b", true));
  auto p = u.path(n1, n2);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 350);
}

TEST(Underlay, FaultsOnUnknownNamesReturnFalseAndChangeNothing) {
  Underlay u(load(linked_routers(false)));
  HostId n1 = u.host_by_name("n1"), n2 = u.host_by_name("n2");
  EXPECT_FALSE(u.set_host_up("nope", false));
  EXPECT_FALSE(u.set_host_up("lan-a", false));  // a segment is not a host
  EXPECT_FALSE(u.set_segment_up("nope", false));
  EXPECT_FALSE(u.set_segment_up("r1", false));  // a router is not a segment
  EXPECT_FALSE(u.set_link_up("nope", false));
  EXPECT_FALSE(u.set_link_up("lan-a", false));
  auto p = u.path(n1, n2);
  EXPECT_TRUE(p.reachable);
  EXPECT_EQ(p.latency, 1300);
}

// The simulator remembers reachable() per connection until version() changes.
TEST(Underlay, EveryFaultAndEveryNewUnderlayTakesAVersionNotSeenBefore) {
  const Topology t = load(linked_routers(false));
  Underlay u(t), other(t);
  std::vector<std::uint32_t> seen{u.version(), other.version()};
  EXPECT_NE(u.version(), 0u);
  auto expect_new = [&](const char* what) {
    EXPECT_EQ(std::count(seen.begin(), seen.end(), u.version()), 0) << what;
    seen.push_back(u.version());
  };
  ASSERT_TRUE(u.set_host_up("n1", false));
  expect_new("host down");
  ASSERT_TRUE(u.set_host_up("n1", true));
  expect_new("host up (the state of before, a new version all the same)");
  ASSERT_TRUE(u.set_segment_up("lan-a", false));
  expect_new("segment down");
  ASSERT_TRUE(u.set_link_up("r1-r2", false));
  expect_new("link down");
  const std::uint32_t before = u.version();
  EXPECT_FALSE(u.set_link_up("nope", false));
  EXPECT_EQ(u.version(), before) << "a fault on an unknown name changes nothing";
  u = Underlay(t);
  expect_new("rebuilt");
}

TEST(Underlay, ALinkToAnUnknownEndIsDroppedAndCannotBeFaulted) {
  Underlay u(load(linked_routers(false) + link("r1-ghost", "r1", "ghost", "1us")));
  EXPECT_FALSE(u.set_link_up("r1-ghost", false));
  EXPECT_TRUE(u.reachable(u.host_by_name("n1"), u.host_by_name("n2")));
}

// reachable() answers from packed per-host facts where it can and falls back to the paths; it
// must agree with path() under every single fault and after it is undone.
TEST(Underlay, ReachableAgreesWithPathForEveryPairUnderEverySingleFault) {
  const std::string text = linked_routers(true) + node("n3", {"ipv4Address: 10.1.0.11/24"}) +
                           router("gw", "10.1.0.2/24, 10.2.0.2/24");
  Underlay u(load(text));
  auto check = [&](const std::string& what) {
    for (HostId a = 0; a < u.host_count(); ++a)
      for (HostId b = 0; b < u.host_count(); ++b)
        EXPECT_EQ(u.reachable(a, b), u.path(a, b).reachable)
            << what << ": " << u.host_name(a) << " -> " << u.host_name(b);
  };
  check("no fault");
  for (HostId h = 0; h < u.host_count(); ++h) {
    const std::string name = u.host_name(h);
    ASSERT_TRUE(u.set_host_up(name, false));
    check(name + " down");
    ASSERT_TRUE(u.set_host_up(name, true));
  }
  for (const std::string seg : {"lan-a", "lan-b"}) {
    ASSERT_TRUE(u.set_segment_up(seg, false));
    check(seg + " down");
    ASSERT_TRUE(u.set_segment_up(seg, true));
  }
  for (const std::string l : {"r1-r2", "r1-r3", "r3-r2"}) {
    ASSERT_TRUE(u.set_link_up(l, false));
    check(l + " down");
    ASSERT_TRUE(u.set_link_up(l, true));
  }
  check("every fault undone");
}

}  // namespace
}  // namespace peerlab::sim
