// Tests of topology/resources.hpp: reading Calico v1/v3 and peerlab/v1 resources from YAML or JSON
// into the plain structs of model.hpp, the diagnostics for bad input (code, exact message, line and
// column), adding resources to a topology, and writing them back (load(save(x)) == x).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "topology/resources.hpp"

namespace peerlab {
namespace {

const std::string kFile = "t.yaml";

ParsedFile parse(std::string_view text) {
  return parse_resources(text, kFile);
}

IpAddr ip(std::string_view text) {
  return parse_ip(text).value();
}
Prefix pfx(std::string_view text) {
  return parse_prefix(text).value();
}

// Every diagnostic as "line:col severity[code]: message" (no file name, no hint), in the order
// they were found.
std::vector<std::string> summary(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.items())
    out.push_back(std::to_string(x.loc.line) + ":" + std::to_string(x.loc.column) + " " +
                  (x.severity == Severity::Error ? "error" : "warning") + "[" + x.code + "]: " + x.message);
  return out;
}

// The single diagnostic of `f`, formatted with position and hint; "" when there is not exactly one.
std::string only_diagnostic(const ParsedFile& f) {
  if (f.diagnostics.items().size() != 1) return "expected one diagnostic, got:\n" + f.diagnostics.to_string();
  return format(f.diagnostics.items()[0]);
}

template <class T>
std::vector<T> all_of(const ParsedFile& f) {
  std::vector<T> out;
  for (const auto& r : f.resources)
    if (auto* x = std::get_if<T>(&r)) out.push_back(*x);
  return out;
}

template <class T>
T only(const ParsedFile& f) {
  EXPECT_EQ(f.resources.size(), 1u) << f.diagnostics.to_string();
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  auto v = all_of<T>(f);
  EXPECT_EQ(v.size(), 1u);
  return v.empty() ? T{} : v.front();
}

// The two bgpPeer resources of the source document ("BGP Configuration", calicoctl alpha).
const char* kDocGlobalPeer = R"y(apiVersion: v1
kind: bgpPeer
metadata:
  scope: global
  peerIP: 192.20.30.40
spec:
  asNumber: 64567
)y";

const char* kDocNodePeer = R"y(apiVersion: v1
kind: bgpPeer
metadata:
  scope: node
  hostname: Node1
  peerIP: aa:bb::ff
spec:
  asNumber: 64514
)y";

std::string v1_peer(std::string_view kind, std::string_view api = "v1") {
  return "apiVersion: " + std::string(api) + "\nkind: " + std::string(kind) +
         "\nmetadata:\n  scope: global\n  peerIP: 10.0.0.1\nspec:\n  asNumber: 64512\n";
}

// ---- the document's resources ----------------------------------------------------------------

TEST(ParseResources, ReadsTheDocumentsGlobalPeer) {
  auto p = only<BgpPeer>(parse(kDocGlobalPeer));
  EXPECT_EQ(p.flavor, ApiFlavor::V1);
  EXPECT_EQ(p.scope, PeerScope::Global);
  EXPECT_EQ(p.node, "");
  EXPECT_EQ(p.peer_ip, ip("192.20.30.40"));
  EXPECT_EQ(p.port, std::nullopt);
  EXPECT_EQ(p.as_number, 64567u);
  EXPECT_EQ(p.name, "");
  EXPECT_EQ(p.node_selector, "");
  EXPECT_EQ(p.peer_selector, "");
  EXPECT_EQ(p.num_allowed_local_as, 0);
  EXPECT_FALSE(p.keep_original_next_hop);
  EXPECT_EQ(p.loc, (SourceLoc{kFile, 1, 1}));
}

TEST(ParseResources, ReadsTheDocumentsNodeSpecificPeer) {
  auto p = only<BgpPeer>(parse(kDocNodePeer));
  EXPECT_EQ(p.flavor, ApiFlavor::V1);
  EXPECT_EQ(p.scope, PeerScope::Node);
  EXPECT_EQ(p.node, "Node1");
  EXPECT_EQ(p.peer_ip, ip("aa:bb::ff"));
  EXPECT_EQ(p.peer_ip->family, Family::V6);
  EXPECT_EQ(p.as_number, 64514u);
  EXPECT_EQ(p.loc, (SourceLoc{kFile, 1, 1}));
}

TEST(ParseResources, ReadsTheDocumentsOneLineFlowStylePeer) {
  auto p =
      only<BgpPeer>(parse("apiVersion: v1\nkind: bgpPeer\n"
                          "metadata: {scope: node, hostname: Node1, peerIP: 'aa:bb::ff'}\n"
                          "spec: {asNumber: 64514}\n"));
  EXPECT_EQ(p.scope, PeerScope::Node);
  EXPECT_EQ(p.node, "Node1");
  EXPECT_EQ(p.peer_ip, ip("aa:bb::ff"));
  EXPECT_EQ(p.as_number, 64514u);
}

TEST(ParseResources, ReadsTheV1NodeSpellingLikeTheAlphaHostnameSpelling) {
  std::string v1 = kDocNodePeer;
  v1.replace(v1.find("hostname:"), 9, "node:");
  auto a = only<BgpPeer>(parse(kDocNodePeer));
  auto b = only<BgpPeer>(parse(v1));
  EXPECT_EQ(b.scope, a.scope);
  EXPECT_EQ(b.node, "Node1");
  EXPECT_EQ(b.node, a.node);
  EXPECT_EQ(b.peer_ip, a.peer_ip);
  EXPECT_EQ(b.as_number, a.as_number);
  EXPECT_EQ(b.flavor, a.flavor);
  EXPECT_EQ(save_resources({a}), save_resources({b}));
}

TEST(ParseResources, AcceptsHostnameAndNodeTogetherWhenTheyAgree) {
  auto p =
      only<BgpPeer>(parse("apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  hostname: Node1\n"
                          "  node: Node1\n  peerIP: 10.0.0.1\nspec:\n  asNumber: 64512\n"));
  EXPECT_EQ(p.node, "Node1");
}

TEST(ParseResources, RejectsHostnameAndNodeThatDisagree) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  hostname: Node1\n"
      "  node: Node2\n  peerIP: 10.0.0.1\nspec:\n  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:9: error[E306]: bgpPeer names its node twice, as hostname 'Node1' and node 'Node2'\n"
            "  hint: 'hostname' (alpha) and 'node' (v1.0) are two spellings of one field: keep one");
}

TEST(ParseResources, RejectsAGlobalPeerThatNamesANode) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  hostname: Node1\n"
      "  peerIP: 10.0.0.9\nspec:\n  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:5:13: error[E306]: no BGP Peer node name should be specified when scope is global\n"
            "  hint: remove metadata.hostname, or set scope: node");
}

TEST(ParseResources, RejectsANodePeerWithoutANode) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  peerIP: 10.0.0.9\nspec:\n"
      "  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:4:3: error[E307]: insufficient identifiers, missing 'hostname'\n"
            "  hint: a node-scope bgpPeer names its node in metadata.hostname (or metadata.node)");
}

// ---- kinds -----------------------------------------------------------------------------------

TEST(ParseResources, AcceptsEveryBgpPeerAliasInAnyCaseWithApiVersionV1) {
  for (const char* kind :
       {"bgpPeer", "bgppeer", "bgppeers", "BGPPeer", "BGPPEERS", "bp", "bps", "BP", "bgpp", "bgpps"}) {
    auto f = parse(v1_peer(kind));
    EXPECT_FALSE(f.diagnostics.has_errors()) << kind << "\n" << f.diagnostics.to_string();
    auto peers = all_of<BgpPeer>(f);
    ASSERT_EQ(peers.size(), 1u) << kind;
    EXPECT_EQ(peers[0].flavor, ApiFlavor::V1) << kind;
    EXPECT_EQ(peers[0].peer_ip, ip("10.0.0.1")) << kind;
  }
}

TEST(ParseResources, AcceptsNodeAndPoolAliases) {
  for (const char* kind : {"node", "nodes", "no", "NOS", "Node"}) {
    auto f = parse("apiVersion: v1\nkind: " + std::string(kind) + "\nmetadata:\n  name: n1\n");
    EXPECT_EQ(all_of<Node>(f).size(), 1u) << kind << "\n" << f.diagnostics.to_string();
  }
  for (const char* kind : {"ipPool", "ippools", "ipp", "IPPS", "pool", "pools", "IPPool"}) {
    auto f = parse("apiVersion: v1\nkind: " + std::string(kind) + "\nmetadata:\n  cidr: 10.0.0.0/16\n");
    EXPECT_EQ(all_of<IpPool>(f).size(), 1u) << kind << "\n" << f.diagnostics.to_string();
  }
}

TEST(ResolveKindAlias, MapsCalicoctlAliasesToTheCanonicalV1Kind) {
  EXPECT_EQ(resolve_kind_alias("bgppeers"), "bgpPeer");
  EXPECT_EQ(resolve_kind_alias("BGPPeer"), "bgpPeer");
  EXPECT_EQ(resolve_kind_alias("bp"), "bgpPeer");
  EXPECT_EQ(resolve_kind_alias("nodes"), "node");
  EXPECT_EQ(resolve_kind_alias("NO"), "node");
  EXPECT_EQ(resolve_kind_alias("ipp"), "ipPool");
  EXPECT_EQ(resolve_kind_alias("pools"), "ipPool");
  EXPECT_EQ(resolve_kind_alias("workloadEndpoint"), "");
  EXPECT_EQ(resolve_kind_alias(""), "");
}

TEST(KindName, IsTheKindCalicoctlPrintsForEachFlavor) {
  auto f = parse(
      std::string(kDocGlobalPeer) + "---\n" +
      "apiVersion: projectcalico.org/v3\nkind: bgppeer\nmetadata:\n  name: p\nspec:\n  peerIP: 10.0.0.2\n"
      "  asNumber: 1\n");
  ASSERT_EQ(f.resources.size(), 2u) << f.diagnostics.to_string();
  EXPECT_EQ(kind_name(f.resources[0]), "bgpPeer");
  EXPECT_EQ(kind_name(f.resources[1]), "BGPPeer");
  EXPECT_EQ(location(f.resources[1]), (SourceLoc{kFile, 9, 1}));
}

// ---- containers: lists, documents, JSON ------------------------------------------------------

TEST(ParseResources, ReadsAYamlListOfMixedResources) {
  auto f = parse(R"y(- apiVersion: v1
  kind: bgpPeer
  metadata:
    scope: global
    peerIP: 192.20.30.40
  spec:
    asNumber: 64567
- apiVersion: v1
  kind: node
  metadata:
    name: Node1
)y");
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  ASSERT_EQ(f.resources.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<BgpPeer>(f.resources[0]));
  EXPECT_TRUE(std::holds_alternative<Node>(f.resources[1]));
  EXPECT_EQ(location(f.resources[0]), (SourceLoc{kFile, 1, 3}));
  EXPECT_EQ(location(f.resources[1]), (SourceLoc{kFile, 8, 3}));
}

TEST(ParseResources, ReadsTheItemsOfAKindList) {
  auto f = parse(R"y(apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: bgpPeer
  metadata:
    scope: global
    peerIP: 192.20.30.40
  spec:
    asNumber: 64567
- apiVersion: v1
  kind: ipPool
  metadata:
    cidr: 192.168.0.0/16
)y");
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  ASSERT_EQ(f.resources.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<BgpPeer>(f.resources[0]));
  EXPECT_TRUE(std::holds_alternative<IpPool>(f.resources[1]));
}

TEST(ParseResources, ReadsABgpPeerList) {
  auto f = parse(R"y(apiVersion: v1
kind: bgpPeerList
items:
- apiVersion: v1
  kind: bgpPeer
  metadata:
    scope: global
    peerIP: 192.20.30.40
  spec:
    asNumber: 64567
- apiVersion: v1
  kind: bgpPeer
  metadata:
    scope: node
    hostname: Node1
    peerIP: aa:bb::ff
  spec:
    asNumber: 64514
)y");
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  auto peers = all_of<BgpPeer>(f);
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].peer_ip, ip("192.20.30.40"));
  EXPECT_EQ(peers[1].node, "Node1");
}

TEST(ParseResources, ReportsAListWithoutItems) {
  auto f = parse("apiVersion: v1\nkind: List\n");
  EXPECT_EQ(only_diagnostic(f), "t.yaml:1:1: error[E103]: List is missing its 'items' list");
}

TEST(ParseResources, ReadsAListKindWhateverItsApiVersion) {
  auto f = parse(
      "apiVersion: whatever/v9\nkind: NodeList\nitems:\n- apiVersion: v1\n  kind: node\n"
      "  metadata:\n    name: n1\n");
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  EXPECT_EQ(all_of<Node>(f).size(), 1u);
}

TEST(ParseResources, ReadsListsNestedFourDeepAndRejectsAFifthLevel) {
  const std::string node = "{apiVersion: v1, kind: node, metadata: {name: n1}}";
  auto four = parse("[[[[" + node + "]]]]");
  EXPECT_TRUE(four.diagnostics.items().empty()) << four.diagnostics.to_string();
  EXPECT_EQ(all_of<Node>(four).size(), 1u);
  auto five = parse("[[[[[" + node + "]]]]]");
  EXPECT_TRUE(five.resources.empty());
  EXPECT_EQ(only_diagnostic(five),
            "t.yaml:1:6: error[E102]: resource lists are nested too deeply\n"
            "  hint: a list may hold resources, not further lists");
}

TEST(ParseResources, ReadsSeveralDocumentsAndKeepsTheirPositions) {
  auto f =
      parse(std::string("# the document's two peers\n") + kDocGlobalPeer + "---\n" + kDocNodePeer + "---\n");
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  auto peers = all_of<BgpPeer>(f);
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].scope, PeerScope::Global);
  EXPECT_EQ(peers[0].loc, (SourceLoc{kFile, 2, 1}));
  EXPECT_EQ(peers[1].scope, PeerScope::Node);
  EXPECT_EQ(peers[1].loc, (SourceLoc{kFile, 10, 1}));
}

TEST(ParseResources, ReadsAJsonObject) {
  auto p = only<BgpPeer>(parse(R"y({"apiVersion": "v1", "kind": "bgpPeer",
 "metadata": {"scope": "node", "hostname": "Node1", "peerIP": "aa:bb::ff"},
 "spec": {"asNumber": 64514}})y"));
  EXPECT_EQ(p.scope, PeerScope::Node);
  EXPECT_EQ(p.node, "Node1");
  EXPECT_EQ(p.peer_ip, ip("aa:bb::ff"));
  EXPECT_EQ(p.as_number, 64514u);
}

TEST(ParseResources, ReadsAJsonArray) {
  auto f = parse(R"y([
  {"apiVersion": "v1", "kind": "bgpPeer",
   "metadata": {"scope": "global", "peerIP": "192.20.30.40"}, "spec": {"asNumber": 64567}},
  {"apiVersion": "v1", "kind": "ipPool", "metadata": {"cidr": "fd80:24e2:f998:72d6::/64"}}
])y");
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  ASSERT_EQ(f.resources.size(), 2u);
  EXPECT_EQ(std::get<BgpPeer>(f.resources[0]).as_number, 64567u);
  EXPECT_EQ(std::get<IpPool>(f.resources[1]).cidr, pfx("fd80:24e2:f998:72d6::/64"));
}

TEST(ParseResources, ReadsAnEmptyFileAsNoResources) {
  for (const char* text : {"", "# nothing here\n", "---\n", "---\n---\n"}) {
    auto f = parse(text);
    EXPECT_TRUE(f.resources.empty()) << text;
    EXPECT_TRUE(f.diagnostics.items().empty()) << text;
  }
}

TEST(ParseFile, ReadsTheExampleCluster) {
  auto f = parse_file(std::string(PEERLAB_SOURCE_DIR) + "/examples/doc-cluster.yaml");
  EXPECT_TRUE(f.diagnostics.items().empty()) << f.diagnostics.to_string();
  auto nodes = all_of<Node>(f);
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].name, "Node1");
  EXPECT_EQ(nodes[0].ipv4_address, pfx("172.17.42.20/24"));
  EXPECT_EQ(nodes[0].ipv6_address, pfx("aa:bb::fe/64"));
  EXPECT_EQ(all_of<IpPool>(f).size(), 2u);
}

TEST(ParseFile, ReportsAMissingFileAsE001) {
  auto f = parse_file("/nonexistent/peerlab/cluster.yaml");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "/nonexistent/peerlab/cluster.yaml: error[E001]: cannot read file: No such file or directory\n"
            "  hint: check the path and its permissions");
}

// ---- Calico v1 node and pool -----------------------------------------------------------------

TEST(ParseResources, ReadsAV1NodeWithItsBgpSettings) {
  auto n = only<Node>(parse(R"y(apiVersion: v1
kind: node
metadata:
  name: Node1
  labels:
    rack: a
spec:
  bgp:
    asNumber: 64513
    ipv4Address: 172.17.42.20/24
    ipv6Address: aa:bb::fe/64
)y"));
  EXPECT_EQ(n.name, "Node1");
  EXPECT_EQ(n.flavor, ApiFlavor::V1);
  EXPECT_TRUE(n.has_bgp);
  EXPECT_EQ(n.as_number, 64513u);
  EXPECT_EQ(n.ipv4_address, pfx("172.17.42.20/24"));
  EXPECT_EQ(n.ipv6_address, pfx("aa:bb::fe/64"));
  EXPECT_EQ(n.labels, (std::map<std::string, std::string>{{"rack", "a"}}));
  EXPECT_EQ(n.route_reflector_cluster_id, std::nullopt);
}

TEST(ParseResources, ReadsABareNodeAddressAsAHostPrefix) {
  auto n =
      only<Node>(parse("apiVersion: v1\nkind: node\nmetadata:\n  name: n\nspec:\n  bgp:\n"
                       "    ipv4Address: 10.0.0.1\n"));
  EXPECT_EQ(n.ipv4_address, pfx("10.0.0.1/32"));
}

TEST(ParseResources, ReadsANodeWithoutBgpAsPolicyOnly) {
  auto n = only<Node>(parse("apiVersion: v1\nkind: node\nmetadata:\n  name: n\nspec: {}\n"));
  EXPECT_FALSE(n.has_bgp);
  auto m = only<Node>(parse("apiVersion: v1\nkind: node\nmetadata:\n  name: n\n"));
  EXPECT_FALSE(m.has_bgp);
}

TEST(ParseResources, RejectsAnAddressOfTheWrongFamily) {
  auto f =
      parse("apiVersion: v1\nkind: node\nmetadata:\n  name: n\nspec:\n  bgp:\n    ipv4Address: fd00::1/64\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:7:18: error[E201]: ipv4Address holds an IPv6 address\n  hint: move it to ipv6Address");
}

TEST(ParseResources, ReadsAV1PoolWithIpipAndNatOutgoing) {
  auto p = only<IpPool>(parse(R"y(apiVersion: v1
kind: ipPool
metadata:
  cidr: 192.168.0.0/16
spec:
  ipip:
    enabled: true
    mode: cross-subnet
  nat-outgoing: true
  disabled: false
)y"));
  EXPECT_EQ(p.flavor, ApiFlavor::V1);
  EXPECT_EQ(p.name, "");
  EXPECT_EQ(p.cidr, pfx("192.168.0.0/16"));
  EXPECT_EQ(p.cidr_loc, (SourceLoc{kFile, 4, 9}));
  EXPECT_EQ(p.ipip, IpipMode::CrossSubnet);
  EXPECT_TRUE(p.nat_outgoing);
  EXPECT_FALSE(p.disabled);
}

TEST(ParseResources, ReadsV1IpipAsAlwaysWhenEnabledWithoutAModeAndOffWhenDisabled) {
  auto on =
      only<IpPool>(parse("apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.0.0.0/16\nspec:\n"
                         "  ipip:\n    enabled: true\n"));
  EXPECT_EQ(on.ipip, IpipMode::Always);
  auto off =
      only<IpPool>(parse("apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.0.0.0/16\nspec:\n"
                         "  ipip:\n    enabled: false\n    mode: always\n"));
  EXPECT_EQ(off.ipip, IpipMode::Off);
}

// ---- Calico v3 -------------------------------------------------------------------------------

TEST(ParseResources, ReadsAV3NodeScopedPeerWithAPort) {
  auto p = only<BgpPeer>(parse(R"y(apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata:
  name: rack1-tor
spec:
  node: rack1-host1
  peerIP: 192.20.30.40:1790
  asNumber: 64567
  keepOriginalNextHop: true
  numAllowedLocalASNumbers: 2
)y"));
  EXPECT_EQ(p.flavor, ApiFlavor::V3);
  EXPECT_EQ(p.name, "rack1-tor");
  EXPECT_EQ(p.scope, PeerScope::Node);
  EXPECT_EQ(p.node, "rack1-host1");
  EXPECT_EQ(p.peer_ip, ip("192.20.30.40"));
  EXPECT_EQ(p.port, 1790);
  EXPECT_EQ(p.as_number, 64567u);
  EXPECT_TRUE(p.keep_original_next_hop);
  EXPECT_EQ(p.num_allowed_local_as, 2);
}

TEST(ParseResources, ReadsAV3GlobalPeerWithoutAPort) {
  auto p =
      only<BgpPeer>(parse("apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: border\n"
                          "spec:\n  peerIP: 192.20.30.40\n  asNumber: 64567\n"));
  EXPECT_EQ(p.scope, PeerScope::Global);
  EXPECT_EQ(p.node, "");
  EXPECT_EQ(p.port, std::nullopt);
}

TEST(ParseResources, ReadsAV3PeerWithABracketedIpv6AddressAndPort) {
  auto p =
      only<BgpPeer>(parse("apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: v6\n"
                          "spec:\n  peerIP: '[fd00::1]:1790'\n  asNumber: 64567\n"));
  EXPECT_EQ(p.peer_ip, ip("fd00::1"));
  EXPECT_EQ(p.port, 1790);
}

TEST(ParseResources, ReadsAV3PeerWithAPlainIpv6AddressAsHavingNoPort) {
  auto p =
      only<BgpPeer>(parse("apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: v6\n"
                          "spec:\n  peerIP: aa:bb::ff\n  asNumber: 64514\n"));
  EXPECT_EQ(p.peer_ip, ip("aa:bb::ff"));
  EXPECT_EQ(p.port, std::nullopt);
}

TEST(ParseResources, ReadsAV3PeerWithSelectors) {
  auto p = only<BgpPeer>(parse(R"y(apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata:
  name: peer-with-rr
spec:
  nodeSelector: "!has(route-reflector)"
  peerSelector: has(route-reflector)
)y"));
  EXPECT_EQ(p.scope, PeerScope::Global);
  EXPECT_EQ(p.node_selector, "!has(route-reflector)");
  EXPECT_EQ(p.peer_selector, "has(route-reflector)");
  EXPECT_EQ(p.peer_ip, std::nullopt);
  EXPECT_EQ(p.as_number, std::nullopt);
}

TEST(ParseResources, RejectsAV3PeerWithNodeAndNodeSelector) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n"
      "  node: n1\n  nodeSelector: all()\n  peerIP: 10.0.0.1\n  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:7:17: error[E306]: BGPPeer sets both 'node' and 'nodeSelector'\n"
            "  hint: use node for one node, or nodeSelector for several, not both");
}

TEST(ParseResources, RejectsAV3PeerWithPeerSelectorAndPeerIp) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n"
      "  peerSelector: all()\n  peerIP: 10.0.0.1\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:17: error[E306]: BGPPeer sets 'peerSelector' together with 'peerIP' or 'asNumber'\n"
            "  hint: a peerSelector takes the peers' addresses and AS numbers from the selected nodes");
}

TEST(ParseResources, RejectsAV3PeerWithoutPeerIpOrSelector) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n"
      "  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:3: error[E103]: BGPPeer spec is missing required field 'peerIP'\n"
            "  hint: set peerIP and asNumber, or peerSelector");
}

TEST(ParseResources, RejectsAV3PeerWithoutAsNumber) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n"
      "  peerIP: 10.0.0.1\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:3: error[E103]: BGPPeer spec is missing required field 'asNumber'\n"
            "  hint: set peerIP and asNumber, or peerSelector");
}

TEST(ParseResources, RejectsAV3PeerWithAnExplicitNullAsNumber) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n"
      "  peerIP: 10.0.0.1\n  asNumber:\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:3: error[E103]: BGPPeer spec is missing required field 'asNumber'\n"
            "  hint: set peerIP and asNumber, or peerSelector");
}

TEST(ParseResources, RejectsAnIpv4PeerWithAPortOutOfRange) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n"
      "  peerIP: 10.0.0.1:70000\n  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:11: error[E201]: invalid IP address '10.0.0.1:70000' in 'peerIP'\n"
            "  hint: write an address, optionally with a port: 10.0.0.1, 10.0.0.1:1790, [fd00::1]:1790");
}

TEST(ParseResources, RejectsABracketedIpv6PeerWithAPortOutOfRange) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n"
      "  peerIP: '[fd00::1]:70000'\n  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:11: error[E201]: invalid IP address '[fd00::1]:70000' in 'peerIP'\n"
            "  hint: write an address, optionally with a port: 10.0.0.1, 10.0.0.1:1790, [fd00::1]:1790");
}

TEST(ParseResources, RejectsABracketedIpv6PeerWithANonNumericPortWithoutThrowing) {
  ParsedFile f;
  EXPECT_NO_THROW(f = parse("apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: p\nspec:\n"
                            "  peerIP: '[fd00::1]:bgp'\n  asNumber: 64512\n"));
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:11: error[E201]: invalid IP address '[fd00::1]:bgp' in 'peerIP'\n"
            "  hint: write an address, optionally with a port: 10.0.0.1, 10.0.0.1:1790, [fd00::1]:1790");
}

TEST(ParseResources, ReadsAV3NodeWithRouteReflectorClusterIdAndLabels) {
  auto n = only<Node>(parse(R"y(apiVersion: projectcalico.org/v3
kind: Node
metadata:
  name: rr1
  labels:
    route-reflector: "true"
    rack: a
spec:
  bgp:
    asNumber: 64512
    ipv4Address: 10.0.0.10/24
    routeReflectorClusterID: 224.0.0.1
)y"));
  EXPECT_EQ(n.flavor, ApiFlavor::V3);
  EXPECT_EQ(n.name, "rr1");
  EXPECT_EQ(n.route_reflector_cluster_id, 0xE0000001u);
  EXPECT_EQ(n.labels, (std::map<std::string, std::string>{{"rack", "a"}, {"route-reflector", "true"}}));
  EXPECT_EQ(n.ipv4_address, pfx("10.0.0.10/24"));
  EXPECT_EQ(n.as_number, 64512u);
}

TEST(ParseResources, AcceptsTheMetadataThatCalicoctlPrintsOnAV3Node) {
  auto n =
      only<Node>(parse("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: rr1\n"
                       "  annotations: {a: b}\n  uid: 1234\n  resourceVersion: '7'\n"
                       "  creationTimestamp: 2024-01-01T00:00:00Z\n"));
  EXPECT_EQ(n.name, "rr1");
}

TEST(ParseResources, RejectsARouterIdThatIsNotAnIpv4Address) {
  auto f = parse(
      "apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r\nspec:\n  asNumber: 65000\n"
      "  routerID: 1\n  addresses: [10.0.0.1/24]\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:7:13: error[E204]: invalid router id '1' in 'routerID'\n"
            "  hint: a router id is written like an IPv4 address, e.g. 10.0.0.1");
}

TEST(ParseResources, RejectsAClusterIdThatIsNotAnIpv4Address) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: rr1\nspec:\n  bgp:\n"
      "    routeReflectorClusterID: fd00::1\n");
  EXPECT_EQ(
      only_diagnostic(f),
      "t.yaml:7:30: error[E204]: invalid route reflector cluster id 'fd00::1' in 'routeReflectorClusterID'\n"
      "  hint: a cluster id is written like an IPv4 address, e.g. 224.0.0.1");
}

TEST(ParseResources, RejectsRouteReflectorClusterIdOnAV1Node) {
  auto f = parse(
      "apiVersion: v1\nkind: node\nmetadata:\n  name: rr1\nspec:\n  bgp:\n"
      "    routeReflectorClusterID: 224.0.0.1\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:7:5: error[E104]: unknown field 'routeReflectorClusterID' in node spec.bgp\n"
            "  hint: known fields: asNumber, ipv4Address, ipv6Address");
}

TEST(ParseResources, ReadsAV3IpPool) {
  auto p = only<IpPool>(parse(R"y(apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: default-ipv4-ippool
spec:
  cidr: 10.244.0.0/16
  ipipMode: CrossSubnet
  natOutgoing: true
  blockSize: 26
)y"));
  EXPECT_EQ(p.flavor, ApiFlavor::V3);
  EXPECT_EQ(p.name, "default-ipv4-ippool");
  EXPECT_EQ(p.cidr, pfx("10.244.0.0/16"));
  EXPECT_EQ(p.cidr_loc, (SourceLoc{kFile, 6, 9}));
  EXPECT_EQ(p.ipip, IpipMode::CrossSubnet);
  EXPECT_TRUE(p.nat_outgoing);
  EXPECT_FALSE(p.disabled);
}

TEST(ParseResources, ReadsV3IpipModesCaseInsensitively) {
  for (auto [text, mode] : {std::pair{"Always", IpipMode::Always}, std::pair{"never", IpipMode::Off},
                            std::pair{"crosssubnet", IpipMode::CrossSubnet}}) {
    auto p =
        only<IpPool>(parse("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\nspec:\n"
                           "  cidr: 10.0.0.0/16\n  ipipMode: " +
                           std::string(text) + "\n"));
    EXPECT_EQ(p.ipip, mode) << text;
  }
}

TEST(ParseResources, ReadsTheDefaultBgpConfiguration) {
  auto c = only<BgpConfiguration>(parse(R"y(apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata:
  name: default
spec:
  logSeverityScreen: Info
  nodeToNodeMeshEnabled: false
  asNumber: 63400
)y"));
  EXPECT_EQ(c.name, "default");
  EXPECT_EQ(c.values.as_number, 63400u);
  EXPECT_EQ(c.values.node_to_node_mesh, false);
  EXPECT_EQ(c.values.log_level, "info");
  EXPECT_TRUE(c.values.node_log_level.empty());
  EXPECT_EQ(c.loc, (SourceLoc{kFile, 1, 1}));
}

TEST(ParseResources, ReadsAPerNodeBgpConfiguration) {
  auto c =
      only<BgpConfiguration>(parse("apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata:\n"
                                   "  name: node.Node1\nspec:\n  logSeverityScreen: Debug\n"));
  EXPECT_EQ(c.name, "node.Node1");
  EXPECT_EQ(c.values.log_level, std::nullopt);
  EXPECT_EQ(c.values.node_log_level, (std::map<std::string, std::string>{{"Node1", "debug"}}));
}

TEST(ParseResources, RejectsClusterSettingsOnAPerNodeBgpConfiguration) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata:\n  name: node.Node1\n"
      "spec:\n  asNumber: 64512\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:13: error[E306]: asNumber is only valid on the global 'default' BGPConfiguration\n"
            "  hint: set a node's AS in its Node resource (spec.bgp.asNumber)");
}

TEST(ParseResources, RejectsABgpConfigurationNameThatIsNeitherDefaultNorANode) {
  auto f = parse(
      "apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata:\n  name: cluster\nspec: {}\n");
  EXPECT_EQ(
      only_diagnostic(f),
      "t.yaml:4:9: error[E204]: BGPConfiguration name 'cluster' is neither 'default' nor 'node.<name>'\n"
      "  hint: cluster settings go in 'default'; per-node settings in 'node.<node name>'");
}

// ---- peerlab/v1 fabric -----------------------------------------------------------------------

TEST(ParseResources, ReadsASegment) {
  auto s = only<Segment>(parse(R"y(apiVersion: peerlab/v1
kind: Segment
metadata:
  name: rack1
spec:
  cidr: 10.0.1.0/24
  latency: 250us
)y"));
  EXPECT_EQ(s.name, "rack1");
  EXPECT_EQ(s.cidrs, (std::vector<Prefix>{pfx("10.0.1.0/24")}));
  EXPECT_EQ(s.latency, 250);
}

TEST(ParseResources, ReadsASegmentWithSeveralCidrsAndTheDefaultLatency) {
  auto s =
      only<Segment>(parse("apiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: dual\nspec:\n"
                          "  cidrs: [10.0.1.0/24, 'fd00:1::/64']\n"));
  EXPECT_EQ(s.cidrs, (std::vector<Prefix>{pfx("10.0.1.0/24"), pfx("fd00:1::/64")}));
  EXPECT_EQ(s.latency, 100);
}

TEST(ParseResources, RejectsASegmentWithoutACidr) {
  auto f = parse("apiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: s\nspec:\n  latency: 1ms\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:3: error[E103]: Segment spec is missing required field 'cidr'\n  hint: e.g. cidr: "
            "10.0.0.0/24");
}

TEST(ParseResources, ReadsDurationsWithEveryUnit) {
  for (auto [text, us] :
       {std::pair{"250us", 250LL}, std::pair{"2ms", 2'000LL}, std::pair{"1.5s", 1'500'000LL},
        std::pair{"0.1s", 100'000LL}, std::pair{"1.25ms", 1'250LL}, std::pair{"4m", 240'000'000LL},
        std::pair{"1min", 60'000'000LL}, std::pair{"0us", 0LL}, std::pair{".5s", 500'000LL}}) {
    auto f = parse(
        "apiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: l\nspec:\n  a: r1\n  b: r2\n"
        "  latency: " +
        std::string(text) + "\n");
    auto links = all_of<Link>(f);
    ASSERT_EQ(links.size(), 1u) << text << "\n" << f.diagnostics.to_string();
    EXPECT_EQ(links[0].latency, us) << text;
  }
}

TEST(ParseDuration, ReadsANumberWithAUnitInMicroseconds) {
  EXPECT_EQ(parse_duration("250us"), 250);
  EXPECT_EQ(parse_duration("2ms"), 2'000);
  EXPECT_EQ(parse_duration("1.5s"), 1'500'000);
  EXPECT_EQ(parse_duration("4m"), 240'000'000);
  EXPECT_EQ(parse_duration("2min"), 120'000'000);
  EXPECT_EQ(parse_duration("1h"), 3'600'000'000);
  EXPECT_EQ(parse_duration("1.5h"), 5'400'000'000);
  EXPECT_EQ(parse_duration("999999999h"), 3'599'999'996'400'000'000);  // the largest: no overflow
  EXPECT_EQ(parse_duration("0.000001s"), 1);
}

TEST(ParseDuration, RejectsTextWithoutAUnitOrWithTooManyDecimals) {
  for (const char* text :
       {"", "5", "s", "1d", "1H", "1hr", "-1s", "1.2.3s", "1.0000001s", "1 s", "1S", "1000000000h"})
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
}

TEST(FormatDuration, WritesWhatParseDurationReadsBack) {
  for (Micros us : {Micros{0}, Micros{1}, Micros{250}, Micros{1'000}, Micros{1'250}, Micros{999'999},
                    Micros{1'000'000}, Micros{1'500'000}, Micros{90'000'000}, Micros{1'000'001}}) {
    auto text = format_duration(us);
    EXPECT_EQ(parse_duration(text), us) << text;
  }
  EXPECT_EQ(format_duration(250), "250us");
  EXPECT_EQ(format_duration(2'000), "2ms");
  EXPECT_EQ(format_duration(1'500'000), "1.5s");
}

TEST(ParseResources, RejectsABadDuration) {
  for (const char* text : {"fast", "10", "ms", "1.2.3s", "-1ms", "1 ms", "1d", "2MS"}) {
    auto f = parse(
        "apiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: l\nspec:\n  a: r1\n  b: r2\n"
        "  latency: '" +
        std::string(text) + "'\n");
    EXPECT_EQ(only_diagnostic(f),
              "t.yaml:8:12: error[E209]: invalid duration '" + std::string(text) +
                  "' in 'latency'\n  hint: write a number with a unit: 250us, 2ms, 1.5s, 4m, 1h")
        << text;
  }
}

TEST(ParseResources, RejectsFabricKindsWithoutSpec) {
  auto f = parse("apiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: l\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:1:1: error[E103]: Link is missing required field 'spec'\n"
            "  hint: see docs/topology-format.md for its fields");
  auto g = parse("apiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: s\n");
  EXPECT_EQ(only_diagnostic(g),
            "t.yaml:1:1: error[E103]: Segment is missing required field 'spec'\n"
            "  hint: see docs/topology-format.md for its fields");
}

TEST(ParseResources, ReadsALink) {
  auto l =
      only<Link>(parse("apiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: tor1-uplink\nspec:\n"
                       "  a: tor1\n  b: spine1\n  latency: 2ms\n"));
  EXPECT_EQ(l.name, "tor1-uplink");
  EXPECT_EQ(l.a, "tor1");
  EXPECT_EQ(l.b, "spine1");
  EXPECT_EQ(l.latency, 2000);
}

TEST(ParseResources, RejectsALinkWithoutItsEnds) {
  auto f = parse("apiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: l\nspec:\n  a: tor1\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:3: error[E103]: Link spec is missing required field 'b'\n"
            "  hint: the name of a router or segment at the other end");
}

const char* kRouter = R"y(apiVersion: peerlab/v1
kind: Router
metadata:
  name: tor1
spec:
  role: tor
  asNumber: 65001
  routerID: 10.0.1.254
  rack: rack1
  addresses: [10.0.1.254/24, 'fd00:1::fe/64']
  routeReflectorClusterID: 224.0.0.1
  allowLocalAS: 1
  originate: [0.0.0.0/0]
  neighbors:
  - address: 10.0.0.1
    asNumber: 65000
    description: spine
    nextHopSelf: true
    passive: true
    allowLocalAS: 2
  - address: 10.0.1.5
    asNumber: 64512
    routeReflectorClient: true
  neighborRanges:
  - cidr: 10.0.1.0/24
    asNumber: 64512
    routeReflectorClient: true
    nextHopSelf: true
  - cidr: 'fd00:1::/64'
)y";

TEST(ParseResources, ReadsARouterWithNeighborsAndRanges) {
  auto r = only<Router>(parse(kRouter));
  EXPECT_EQ(r.name, "tor1");
  EXPECT_EQ(r.role, RouterRole::Tor);
  EXPECT_EQ(r.as_number, 65001u);
  EXPECT_EQ(r.router_id, ip("10.0.1.254").v4_value());
  EXPECT_EQ(r.rack, "rack1");
  EXPECT_EQ(r.addresses, (std::vector<Prefix>{pfx("10.0.1.254/24"), pfx("fd00:1::fe/64")}));
  EXPECT_EQ(r.route_reflector_cluster_id, 0xE0000001u);
  EXPECT_EQ(r.allow_local_as, 1);
  EXPECT_EQ(r.originate, (std::vector<Prefix>{pfx("0.0.0.0/0")}));
  ASSERT_EQ(r.neighbors.size(), 2u);
  EXPECT_EQ(r.neighbors[0].address, ip("10.0.0.1"));
  EXPECT_EQ(r.neighbors[0].as_number, 65000u);
  EXPECT_EQ(r.neighbors[0].description, "spine");
  EXPECT_FALSE(r.neighbors[0].route_reflector_client);
  EXPECT_TRUE(r.neighbors[0].next_hop_self);
  EXPECT_TRUE(r.neighbors[0].passive);
  EXPECT_EQ(r.neighbors[0].allow_local_as, 2);
  EXPECT_EQ(r.neighbors[0].loc, (SourceLoc{kFile, 15, 5}));
  EXPECT_TRUE(r.neighbors[1].route_reflector_client);
  EXPECT_FALSE(r.neighbors[1].passive);
  EXPECT_EQ(r.neighbors[1].allow_local_as, std::nullopt);
  ASSERT_EQ(r.neighbor_ranges.size(), 2u);
  EXPECT_EQ(r.neighbor_ranges[0].range, pfx("10.0.1.0/24"));
  EXPECT_EQ(r.neighbor_ranges[0].as_number, 64512u);
  EXPECT_TRUE(r.neighbor_ranges[0].route_reflector_client);
  EXPECT_TRUE(r.neighbor_ranges[0].next_hop_self);
  EXPECT_EQ(r.neighbor_ranges[1].range, pfx("fd00:1::/64"));
  EXPECT_EQ(r.neighbor_ranges[1].as_number, std::nullopt);  // any AS
}

TEST(ParseResources, ReadsEveryRouterRoleCaseInsensitively) {
  for (auto [text, role] : {std::pair{"router", RouterRole::Router}, std::pair{"ToR", RouterRole::Tor},
                            std::pair{"spine", RouterRole::Spine}, std::pair{"BORDER", RouterRole::Border},
                            std::pair{"routeReflector", RouterRole::RouteReflector}}) {
    auto r =
        only<Router>(parse("apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r\nspec:\n  role: " +
                           std::string(text) + "\n  asNumber: 65000\n  addresses: [10.0.0.1/24]\n"));
    EXPECT_EQ(r.role, role) << text;
  }
}

TEST(ParseResources, RejectsAnUnknownRouterRole) {
  auto f = parse(
      "apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r\nspec:\n  role: leaf\n"
      "  asNumber: 65000\n  addresses: [10.0.0.1/24]\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:9: error[E204]: invalid router role 'leaf'\n"
            "  hint: use one of: router, tor, spine, border, routeReflector");
}

TEST(ParseResources, RejectsARouterWithoutAddresses) {
  auto f = parse("apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r\nspec:\n  asNumber: 65000\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:3: error[E103]: Router spec needs at least one entry in 'addresses'\n"
            "  hint: give the router an address and subnet, e.g. addresses: [10.0.0.254/24]");
}

TEST(ParseResources, RejectsAnAllowLocalAsOutOfRange) {
  auto f = parse(
      "apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r\nspec:\n  asNumber: 65000\n"
      "  addresses: [10.0.0.1/24]\n  allowLocalAS: 11\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:8:17: error[E204]: invalid value '11' for 'allowLocalAS'\n"
            "  hint: expected a whole number from 0 to 10");
}

TEST(ParseResources, ReadsBgpTimers) {
  auto t = only<TimerSettings>(parse(R"y(apiVersion: peerlab/v1
kind: BGPTimers
metadata:
  name: default
spec:
  profile: calico
  holdTime: 1.5m
  keepaliveTime: 30s
  connectDelayTime: 1.5s
  connectRetryTime: 2ms
  errorWaitMin: 5s
  errorWaitMax: 30s
  gracefulRestart: true
  gracefulRestartTime: 2m
)y"));
  EXPECT_TRUE(t.present);
  EXPECT_EQ(t.profile, "calico");
  EXPECT_EQ(t.hold, 90'000);
  EXPECT_EQ(t.keepalive, 30'000);
  EXPECT_EQ(t.connect_delay, 1'500);
  EXPECT_EQ(t.connect_retry, 2);
  EXPECT_EQ(t.error_wait_min, 5'000);
  EXPECT_EQ(t.error_wait_max, 30'000);
  EXPECT_EQ(t.graceful_restart, true);
  EXPECT_EQ(t.graceful_restart_time, 120'000);
  EXPECT_EQ(t.loc, (SourceLoc{kFile, 1, 1}));
}

TEST(ParseResources, LeavesUnsetTimersToTheProfile) {
  auto t =
      only<TimerSettings>(parse("apiVersion: peerlab/v1\nkind: BGPTimers\nmetadata:\n  name: default\n"
                                "spec:\n  holdTime: 9s\n"));
  EXPECT_EQ(t.profile, "bird");
  EXPECT_EQ(t.hold, 9'000);
  EXPECT_EQ(t.keepalive, std::nullopt);
  EXPECT_EQ(t.graceful_restart, std::nullopt);
  auto resolved = t.resolve();
  EXPECT_EQ(resolved.hold, 9'000);
  EXPECT_EQ(resolved.connect_retry, TimerConfig::bird_defaults().connect_retry);
}

TEST(ParseResources, RejectsAHoldTimeBelowThreeSeconds) {
  auto f =
      parse("apiVersion: peerlab/v1\nkind: BGPTimers\nmetadata:\n  name: default\nspec:\n  holdTime: 2s\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:13: error[E204]: holdTime must be 0 or at least 3s (RFC 4271 §4.2)");
}

TEST(ParseResources, RejectsATimerThatIsNotAWholeNumberOfMilliseconds) {
  auto f = parse(
      "apiVersion: peerlab/v1\nkind: BGPTimers\nmetadata:\n  name: default\nspec:\n"
      "  keepaliveTime: 250us\n");
  ASSERT_EQ(f.diagnostics.items().size(), 1u) << f.diagnostics.to_string();
  const auto& d = f.diagnostics.items()[0];
  EXPECT_EQ(d.code, "E209");
  EXPECT_EQ(d.loc, (SourceLoc{kFile, 6, 18}));
}

TEST(ParseResources, RejectsATimerLongerThanThirtyTwoBitsOfMilliseconds) {
  // Timers are kept in 32-bit milliseconds; 35791m is the longest that fits.
  auto ok = parse(
      "apiVersion: peerlab/v1\nkind: BGPTimers\nmetadata:\n  name: default\nspec:\n"
      "  connectRetryTime: 35791m\n");
  EXPECT_EQ(only<TimerSettings>(ok).resolve().connect_retry, 35'791 * 60'000);
  auto f = parse(
      "apiVersion: peerlab/v1\nkind: BGPTimers\nmetadata:\n  name: default\nspec:\n"
      "  connectRetryTime: 35792m\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:21: error[E204]: timer 'connectRetryTime' is too long: at most 35791m (2^31 - 1 ms)\n"
            "  hint: a timer that long never fires in a simulation (the default time limit is 60m)");
}

TEST(ParseResources, ReadsCheckLimitsWithThePositionOfEachValue) {
  auto l = only<CheckLimitSettings>(parse(R"y(apiVersion: peerlab/v1
kind: CheckLimits
metadata:
  name: default
spec:
  maxSessionsPerNode: 50
  maxRoutesPerRouter: 64000
  maxConvergence: 30s
  meshLimit: 40
)y"));
  EXPECT_TRUE(l.present);
  EXPECT_EQ(l.max_sessions_per_node.value, 50);
  EXPECT_EQ(l.max_sessions_per_node.loc, (SourceLoc{kFile, 6, 23}));
  EXPECT_EQ(l.max_routes_per_router.value, 64000);
  EXPECT_EQ(l.max_routes_per_node.value, std::nullopt);
  EXPECT_EQ(l.max_convergence.value, 30'000'000);
  EXPECT_EQ(l.max_convergence.loc, (SourceLoc{kFile, 8, 19}));
  EXPECT_EQ(l.mesh_limit.value, 40);
  EXPECT_EQ(l.reflector_client_limit.value, std::nullopt);
  EXPECT_EQ(l.loc, (SourceLoc{kFile, 1, 1}));
}

TEST(ParseResources, WritesCheckLimitsBackAsItReadThem) {
  const std::string text =
      "---\napiVersion: peerlab/v1\nkind: CheckLimits\nmetadata:\n  name: default\nspec:\n"
      "  maxSessionsPerNode: 50\n  maxRoutesPerNode: 1000\n  maxConvergence: 1.5s\n"
      "  reflectorClientLimit: 200\n";
  auto f = parse(text);
  ASSERT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  EXPECT_EQ(save_resources(f.resources), text);
}

TEST(ParseResources, RejectsACheckLimitThatIsNotAPositiveWholeNumber) {
  auto f = parse("apiVersion: peerlab/v1\nkind: CheckLimits\nspec:\n  maxSessionsPerNode: 0\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:4:23: error[E204]: invalid value '0' for 'maxSessionsPerNode'\n"
            "  hint: expected a whole number from 1 to 1000000000");
}

TEST(ParseResources, ReadsAClusterConfig) {
  auto c = only<ClusterConfigResource>(parse(R"y(apiVersion: peerlab/v1
kind: ClusterConfig
metadata:
  name: default
spec:
  defaultNodeASNumber: 64512
  nodeToNodeMesh: off
  logLevel: debug
  ipip: on
  nodeLogLevels:
    Node1: none
)y"));
  EXPECT_EQ(c.values.as_number, 64512u);
  EXPECT_EQ(c.values.node_to_node_mesh, false);
  EXPECT_EQ(c.values.log_level, "debug");
  EXPECT_EQ(c.values.ipip, true);
  EXPECT_EQ(c.values.node_log_level, (std::map<std::string, std::string>{{"Node1", "none"}}));
}

TEST(ParseResources, RejectsAnOnOffSettingWithAnotherValue) {
  auto f = parse(
      "apiVersion: peerlab/v1\nkind: ClusterConfig\nmetadata:\n  name: default\nspec:\n"
      "  nodeToNodeMesh: maybe\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:19: error[E204]: invalid value 'maybe' for 'nodeToNodeMesh'\n  hint: use on or off");
}

// ---- AS numbers ------------------------------------------------------------------------------

std::string peer_with_as(std::string_view as) {
  return "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.0.0.1\nspec:\n  "
         "asNumber: " +
         std::string(as) + "\n";
}

constexpr const char* kAsHint =
    "  hint: an AS number is a whole number from 1 to 4294967295 (or asdot 'a.b'); private ranges are "
    "64512-65534 and 4200000000-4294967294";

TEST(ParseResources, AcceptsAsNumbersUpTo4294967295) {
  EXPECT_EQ(only<BgpPeer>(parse(peer_with_as("1"))).as_number, 1u);
  EXPECT_EQ(only<BgpPeer>(parse(peer_with_as("4294967295"))).as_number, 4294967295u);
  EXPECT_EQ(only<BgpPeer>(parse(peer_with_as("'64512'"))).as_number, 64512u);
}

TEST(ParseResources, AcceptsAsdotAsNumbers) {
  EXPECT_EQ(only<BgpPeer>(parse(peer_with_as("1.10"))).as_number, 65546u);
  EXPECT_EQ(only<BgpPeer>(parse(peer_with_as("0.64512"))).as_number, 64512u);
  EXPECT_EQ(only<BgpPeer>(parse(peer_with_as("65535.65535"))).as_number, 4294967295u);
}

TEST(ParseResources, RejectsAnAsNumberAbove4294967295) {
  auto f = parse(peer_with_as("4294967296"));
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:7:13: error[E203]: invalid AS number '4294967296'\n" + std::string(kAsHint));
}

TEST(ParseResources, RejectsMalformedAsNumbers) {
  for (const char* as :
       {"65536.1", "1.65536", "1.", ".1", "1.2.3", "-1", "0x10", "64512a", "as64512", "99999999999999"}) {
    auto f = parse(peer_with_as(as));
    EXPECT_TRUE(f.resources.empty()) << as;
    EXPECT_EQ(only_diagnostic(f), "t.yaml:7:13: error[E203]: invalid AS number '" + std::string(as) + "'\n" +
                                      std::string(kAsHint))
        << as;
  }
}

TEST(ParseResources, WarnsThatAsZeroIsReserved) {
  auto f = parse(peer_with_as("0"));
  EXPECT_EQ(f.resources.size(), 1u);
  EXPECT_FALSE(f.diagnostics.has_errors());
  EXPECT_EQ(
      only_diagnostic(f),
      "t.yaml:7:13: warning[W203]: AS number 0 is reserved (RFC 7607) and cannot be used in a session\n" +
          std::string(kAsHint));
}

TEST(ParseResources, RejectsAnAsNumberThatIsNotAScalar) {
  auto f = parse(peer_with_as("[64512]"));
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:7:13: error[E105]: field 'asNumber' must be an AS number, found a list\n" +
                std::string(kAsHint));
}

// ---- the envelope and the diagnostics --------------------------------------------------------

TEST(ParseResources, ReportsAYamlSyntaxErrorWithItsPosition) {
  auto f = parse("apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n   peerIP: 1.2.3.4\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:5:10: error[E101]: YAML syntax error: illegal map value\n"
            "  hint: check the indentation and quoting around this point");
}

TEST(ParseResources, ReportsAnUnclosedFlowSequenceAsASyntaxError) {
  auto f = parse("apiVersion: v1\nkind: node\nmetadata:\n  name: [oops\n");
  ASSERT_EQ(f.diagnostics.items().size(), 1u);
  const auto& d = f.diagnostics.items()[0];
  EXPECT_EQ(d.code, "E101");
  EXPECT_EQ(d.loc, (SourceLoc{kFile, 5, 1}));
  EXPECT_EQ(d.message, "YAML syntax error: end of sequence flow not found");
}

TEST(ParseResources, ReportsAnUnknownFieldWithADidYouMeanHint) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.0.0.1\n"
      "  peerAS: 64512\nspec:\n  asNumber: 64512\n");
  EXPECT_EQ(
      only_diagnostic(f),
      "t.yaml:6:3: error[E104]: unknown field 'peerAS' in bgpPeer metadata\n  hint: did you mean 'peerIP'?");
}

TEST(ParseResources, ReportsAMisspelledRequiredFieldAsMissingAndUnknown) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIp: 192.20.30.40\nspec:\n"
      "  asNumber: 64567\n");
  EXPECT_TRUE(f.resources.empty());
  ASSERT_EQ(f.diagnostics.items().size(), 2u) << f.diagnostics.to_string();
  EXPECT_EQ(format(f.diagnostics.items()[0]),
            "t.yaml:4:3: error[E103]: bgpPeer metadata is missing required field 'peerIP'\n"
            "  hint: the peer's address, e.g. peerIP: 192.20.30.40");
  EXPECT_EQ(
      format(f.diagnostics.items()[1]),
      "t.yaml:5:3: error[E104]: unknown field 'peerIp' in bgpPeer metadata\n  hint: did you mean 'peerIP'?");
}

TEST(ParseResources, ListsTheKnownFieldsWhenNothingIsClose) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.0.0.1\n"
      "  colour: blue\nspec:\n  asNumber: 64512\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:6:3: error[E104]: unknown field 'colour' in bgpPeer metadata\n"
            "  hint: known fields: scope, hostname, node, peerIP");
}

TEST(ParseResources, ReportsAnUnknownEnvelopeField) {
  auto f = parse(std::string(kDocGlobalPeer) + "metdata: {}\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:8:1: error[E104]: unknown field 'metdata' in bgpPeer\n  hint: did you mean 'metadata'?");
}

TEST(ParseResources, ReportsAMissingSpec) {
  auto f = parse("apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.0.0.1\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:1:1: error[E103]: bgpPeer is missing required field 'spec'\n  hint: a bgpPeer needs "
            "spec.asNumber");
}

TEST(ParseResources, ReportsAMissingRequiredField) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.0.0.1\nspec:\n"
      "  description: x\n");
  ASSERT_EQ(f.diagnostics.items().size(), 2u) << f.diagnostics.to_string();
  EXPECT_EQ(format(f.diagnostics.items()[0]),
            "t.yaml:7:3: error[E103]: bgpPeer spec is missing required field 'asNumber'\n"
            "  hint: the peer's AS number, e.g. asNumber: 64567");
  EXPECT_EQ(f.diagnostics.items()[1].code, "E104");
}

TEST(ParseResources, ReportsAMissingKindOrApiVersion) {
  EXPECT_EQ(only_diagnostic(parse("apiVersion: v1\nmetadata: {}\n")),
            "t.yaml:1:1: error[E103]: resource is missing required field 'kind'\n  hint: e.g. kind: bgpPeer");
  EXPECT_EQ(only_diagnostic(parse("kind: bgpPeer\nmetadata: {}\n")),
            "t.yaml:1:1: error[E103]: resource is missing required field 'apiVersion'\n"
            "  hint: use v1 (calicoctl v1), projectcalico.org/v3, or peerlab/v1 (fabric)");
}

TEST(ParseResources, ReportsAFieldOfTheWrongType) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: [global]\n  peerIP: 10.0.0.1\nspec:\n"
      "  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(
      only_diagnostic(f),
      "t.yaml:4:10: error[E105]: field 'scope' of bgpPeer metadata must be a single value, found a list");
}

TEST(ParseResources, ReportsABooleanThatIsNotTrueOrFalse) {
  auto f =
      parse("apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.0.0.0/16\nspec:\n  nat-outgoing: yes\n");
  EXPECT_EQ(
      only_diagnostic(f),
      "t.yaml:6:17: error[E105]: field 'nat-outgoing' of ipPool spec must be true or false, found 'yes'");
}

TEST(ParseResources, ReportsASectionThatIsNotAMapping) {
  auto f = parse("apiVersion: v1\nkind: bgpPeer\nmetadata: global\nspec:\n  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:3:11: error[E102]: bgpPeer metadata must be a mapping, found 'global'\n"
            "  hint: write it as 'key: value' lines indented under its parent");
}

TEST(ParseResources, ReportsADocumentThatIsNotAResource) {
  EXPECT_EQ(
      only_diagnostic(parse("just text\n")),
      "t.yaml:1:1: error[E102]: expected a resource (a mapping with apiVersion and kind), found 'just text'\n"
      "  hint: each document holds one resource, a list of resources, or a kind: List");
}

TEST(ParseResources, ReportsAnUnknownKindWithADidYouMeanHint) {
  auto f = parse(v1_peer("bgpPer"));
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:2:7: error[E106]: Unknown resource type (bgpPer) and/or version (v1)\n"
            "  hint: did you mean 'bgpPeer'?");
}

TEST(ParseResources, ExplainsThatOtherCalicoKindsAreNotModelled) {
  auto f = parse("apiVersion: v1\nkind: policy\nmetadata:\n  name: p1\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:2:7: error[E106]: Unknown resource type (policy) and/or version (v1)\n"
            "  hint: 'policy' is a Calico resource that does not affect BGP; peerlab does not model it");
}

TEST(ParseResources, ListsTheKindsOfTheApiVersionWhenNothingIsClose) {
  auto f = parse("apiVersion: projectcalico.org/v3\nkind: Frobnicator\nmetadata:\n  name: x\n");
  EXPECT_EQ(
      only_diagnostic(f),
      "t.yaml:2:7: error[E106]: Unknown resource type (Frobnicator) and/or version (projectcalico.org/v3)\n"
      "  hint: kinds for apiVersion projectcalico.org/v3: BGPPeer, Node, IPPool, BGPConfiguration");
}

TEST(ParseResources, RejectsAV1KindUnderTheFabricApiVersion) {
  auto f = parse(v1_peer("bgpPeer", "peerlab/v1"));
  ASSERT_FALSE(f.diagnostics.items().empty());
  EXPECT_EQ(
      format(f.diagnostics.items()[0]),
      "t.yaml:2:7: error[E106]: Unknown resource type (bgpPeer) and/or version (peerlab/v1)\n"
      "  hint: kinds for apiVersion peerlab/v1: Segment, Router, Link, BGPTimers, ClusterConfig, FullMesh, "
      "RouteReflectors, AsPerRack, AsPerComputeServer, CheckLimits");
}

TEST(ParseResources, ReportsAnUnknownApiVersion) {
  auto f = parse(v1_peer("bgpPeer", "v2"));
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:1:13: error[E107]: Unknown resource type (bgpPeer) and/or version (v2)\n"
            "  hint: apiVersion is v1 (calicoctl v1), projectcalico.org/v3, or peerlab/v1 (fabric)");
}

TEST(ParseResources, ReportsABadIpAddress) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.1.2.300\nspec:\n"
      "  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:5:11: error[E201]: invalid IP address '10.1.2.300' in 'peerIP'\n"
            "  hint: write an IPv4 address like 192.20.30.40 or an IPv6 address like aa:bb::ff");
}

TEST(ParseResources, ExplainsThatAPeerIpTakesNoPrefixLength) {
  auto f = parse(
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.1.2.3/32\nspec:\n"
      "  asNumber: 64512\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:5:11: error[E201]: invalid IP address '10.1.2.3/32' in 'peerIP'\n"
            "  hint: 'peerIP' takes an address without a prefix length");
}

TEST(ParseResources, ReportsABadCidr) {
  auto f = parse(
      "apiVersion: v1\nkind: node\nmetadata:\n  name: n1\nspec:\n  bgp:\n    ipv4Address: 10.0.0.1/33\n");
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:7:18: error[E202]: invalid CIDR '10.0.0.1/33' in 'ipv4Address'\n"
            "  hint: write an address and prefix length, like 10.0.0.1/24 or fd00::1/64");
  auto g = parse("apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.0.0.0\n");
  EXPECT_TRUE(g.resources.empty());
  EXPECT_EQ(only_diagnostic(g),
            "t.yaml:4:9: error[E202]: invalid CIDR '10.0.0.0' in 'cidr'\n"
            "  hint: write an address and prefix length, like 10.0.0.1/24 or fd00::1/64");
}

TEST(ParseResources, ReportsABadEnumValue) {
  auto f = parse(
      "apiVersion: v1\nkind: bgppeers\nmetadata:\n  scope: nodes\n  peerIP: 10.0.0.1\nspec:\n"
      "  asNumber: 64512\n");
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(only_diagnostic(f),
            "t.yaml:4:10: error[E204]: Unrecognized scope 'nodes', must be one of: global, node");
  auto g = parse(
      "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.0.0.0/16\nspec:\n  ipip:\n"
      "    enabled: true\n    mode: sometimes\n");
  EXPECT_EQ(only_diagnostic(g),
            "t.yaml:8:11: error[E204]: invalid IPIP mode 'sometimes'\n  hint: use always or cross-subnet");
}

TEST(ParseResources, ReportsEveryProblemInAFile) {
  // The input of tests/golden/ctl/input-errors.transcript (less the pool checks of validate_pool).
  auto f = parse(R"y(apiVersion: v1
kind: bgpPeer
metadata:
  scope: global
  peerIp: 192.20.30.40
spec:
  asNumber: 4294967296
---
apiVersion: v1
kind: bgppeers
metadata:
  scope: nodes
  peerIP: 10.1.2.300
spec:
  asNumber: 64512
---
apiVersion: v1
kind: ipPool
metadata:
  cidr: 10.1.2.3/28
spec:
  ipip:
    enabled: true
    mode: sometimes
  nat-outgoing: yes
---
apiVersion: v1
kind: node
metadata:
  name: n1
spec:
  bgp:
    ipv4Address: 10.0.0.1/33
    asNumbr: 64512
---
apiVersion: v1
kind: policy
metadata:
  name: p1
---
apiVersion: v1
kind: bgpPer
metadata: {}
---
apiVersion: v1
kind: node
metadata:
  name: good
)y");
  EXPECT_EQ(summary(f.diagnostics),
            (std::vector<std::string>{
                "4:3 error[E103]: bgpPeer metadata is missing required field 'peerIP'",
                "5:3 error[E104]: unknown field 'peerIp' in bgpPeer metadata",
                "7:13 error[E203]: invalid AS number '4294967296'",
                "12:10 error[E204]: Unrecognized scope 'nodes', must be one of: global, node",
                "13:11 error[E201]: invalid IP address '10.1.2.300' in 'peerIP'",
                "24:11 error[E204]: invalid IPIP mode 'sometimes'",
                "25:17 error[E105]: field 'nat-outgoing' of ipPool spec must be true or false, found 'yes'",
                "33:18 error[E202]: invalid CIDR '10.0.0.1/33' in 'ipv4Address'",
                "34:5 error[E104]: unknown field 'asNumbr' in node spec.bgp",
                "37:7 error[E106]: Unknown resource type (policy) and/or version (v1)",
                "42:7 error[E106]: Unknown resource type (bgpPer) and/or version (v1)",
            }));
  EXPECT_EQ(f.diagnostics.error_count(), 11u);
  // The valid resources are still read.
  std::vector<std::string> kinds;
  for (const auto& r : f.resources) kinds.push_back(kind_name(r));
  EXPECT_EQ(kinds, (std::vector<std::string>{"ipPool", "node", "node"}));
}

TEST(Diagnostics, SortsErrorsBeforeWarningsThenByPosition) {
  Diagnostics d;
  d.warning("W203", {"a.yaml", 1, 1}, "w");
  d.error("E201", {"a.yaml", 9, 2}, "late");
  d.error("E202", {"a.yaml", 3, 5}, "early", "fix it");
  EXPECT_EQ(d.to_string(),
            "a.yaml:3:5: error[E202]: early\n  hint: fix it\n"
            "a.yaml:9:2: error[E201]: late\n"
            "a.yaml:1:1: warning[W203]: w\n");
  EXPECT_EQ(d.error_count(), 2u);
  EXPECT_TRUE(d.has_errors());
}

TEST(FormatLoc, LeavesOutUnknownParts) {
  EXPECT_EQ(format_loc({"f.yaml", 0, 0}), "f.yaml");
  EXPECT_EQ(format_loc({"f.yaml", 3, 0}), "f.yaml:3");
  EXPECT_EQ(format_loc({"", 3, 4}), "<input>:3:4");
}

TEST(ClosestMatch, FindsNearMissesAndCaseOnlyDifferences) {
  EXPECT_EQ(closest_match("peerIp", {"scope", "peerIP"}), "peerIP");
  EXPECT_EQ(closest_match("asNumbr", {"asNumber", "ipv4Address"}), "asNumber");
  EXPECT_EQ(closest_match("colour", {"scope", "peerIP"}), "");
  EXPECT_EQ(closest_match("ab", {"xy"}), "");  // short words allow one edit only
}

// ---- topology: add, save, reload -------------------------------------------------------------

Topology load(std::string_view text, Diagnostics* diags_out = nullptr) {
  auto f = parse(text);
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, f.resources, d);
  if (diags_out)
    *diags_out = d;
  else
    EXPECT_TRUE(d.items().empty()) << d.to_string();
  return t;
}

// One of every kind and flavor, in no particular order.
const char* kEveryKind = R"y(apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata:
  name: to-rr
spec:
  nodeSelector: "!has(route-reflector)"
  peerSelector: has(route-reflector)
---
apiVersion: peerlab/v1
kind: Link
metadata:
  name: tor1-spine1
spec:
  a: tor1
  b: spine1
  latency: 1.5ms
---
apiVersion: v1
kind: bgpPeer
metadata:
  scope: node
  hostname: Node1
  peerIP: aa:bb::ff
spec:
  asNumber: 64514
---
apiVersion: v1
kind: bgpPeer
metadata:
  scope: global
  peerIP: 192.20.30.40
spec:
  asNumber: 64567
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata:
  name: rack1-tor
spec:
  node: Node1
  peerIP: '[fd00:1::fe]:1790'
  asNumber: 65001
  keepOriginalNextHop: true
  numAllowedLocalASNumbers: 1
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata:
  name: border
spec:
  peerIP: 10.0.0.1:179
  asNumber: 1.10
---
apiVersion: v1
kind: node
metadata:
  name: Node1
spec:
  bgp:
    asNumber: 64513
    ipv4Address: 172.17.42.20/24
    ipv6Address: aa:bb::fe/64
---
apiVersion: v1
kind: node
metadata:
  name: policy-only
spec: {}
---
apiVersion: projectcalico.org/v3
kind: Node
metadata:
  name: rr1
  labels:
    route-reflector: "true"
spec:
  bgp:
    ipv4Address: 172.17.42.30/24
    routeReflectorClusterID: 224.0.0.1
---
apiVersion: v1
kind: ipPool
metadata:
  cidr: 192.168.0.0/16
spec:
  ipip:
    enabled: true
    mode: cross-subnet
  nat-outgoing: true
---
apiVersion: v1
kind: ipPool
metadata:
  cidr: fd80:24e2:f998:72d6::/64
spec:
  disabled: true
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: pods
spec:
  cidr: 10.244.0.0/16
  ipipMode: Always
  natOutgoing: true
---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata:
  name: node.Node1
spec:
  logSeverityScreen: debug
---
apiVersion: peerlab/v1
kind: ClusterConfig
metadata:
  name: default
spec:
  defaultNodeASNumber: 64512
  nodeToNodeMesh: off
  logLevel: info
  ipip: on
---
apiVersion: peerlab/v1
kind: BGPTimers
metadata:
  name: default
spec:
  profile: calico
  holdTime: 90s
  keepaliveTime: 30s
  connectDelayTime: 1500ms
  connectRetryTime: 5s
  errorWaitMin: 5s
  errorWaitMax: 30s
  gracefulRestart: false
  gracefulRestartTime: 2m
---
apiVersion: peerlab/v1
kind: Segment
metadata:
  name: rack1
spec:
  cidrs: [172.17.42.0/24, 'aa:bb::/64']
  latency: 250us
---
apiVersion: peerlab/v1
kind: Segment
metadata:
  name: core
spec:
  cidr: 10.0.0.0/24
)y";

TEST(SaveTopology, RoundTripsEveryKind) {
  std::string text = std::string(kEveryKind) + "---\n" + kRouter;
  Topology t = load(text);
  EXPECT_EQ(t.nodes.size(), 3u);
  EXPECT_EQ(t.peers.size(), 5u);
  EXPECT_EQ(t.pools.size(), 3u);
  EXPECT_EQ(t.segments.size(), 2u);
  EXPECT_EQ(t.routers.size(), 1u);
  EXPECT_EQ(t.links.size(), 1u);
  EXPECT_TRUE(t.timers.present);
  EXPECT_EQ(t.config.node_log_level.at("Node1"), "debug");

  std::string saved = save_topology(t);
  for (const char* kind :
       {"kind: ClusterConfig", "kind: BGPTimers", "kind: node", "kind: Node", "kind: bgpPeer",
        "kind: BGPPeer", "kind: ipPool", "kind: IPPool", "kind: Segment", "kind: Router", "kind: Link"})
    EXPECT_NE(saved.find(std::string(kind) + "\n"), std::string::npos) << kind << "\n" << saved;

  Topology again = load(saved);
  EXPECT_EQ(save_topology(again), saved);
  EXPECT_EQ(again.config.as_number, 64512u);
  EXPECT_EQ(again.config.node_to_node_mesh, false);
  EXPECT_EQ(again.config.ipip, true);
  EXPECT_EQ(again.timers.connect_delay, 1500);
  EXPECT_EQ(again.segments[1].latency, 250);  // "rack1" after "core"
  EXPECT_EQ(again.links[0].latency, 1500);
  ASSERT_EQ(again.routers.size(), 1u);
  EXPECT_EQ(again.routers[0].neighbors.size(), 2u);
  EXPECT_EQ(again.routers[0].neighbor_ranges.size(), 2u);
}

TEST(SaveTopology, WritesResourcesInCanonicalOrder) {
  Topology t = load(kEveryKind);
  std::vector<std::string> ids;
  for (const auto& r : to_resources(t)) {
    std::string id = kind_name(r);
    if (auto* p = std::get_if<BgpPeer>(&r)) id += " " + (p->name.empty() ? to_string(*p->peer_ip) : p->name);
    if (auto* n = std::get_if<Node>(&r)) id += " " + n->name;
    ids.push_back(id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"ClusterConfig", "BGPTimers", "node Node1", "node policy-only",
                                           "Node rr1", "bgpPeer 192.20.30.40", "bgpPeer aa:bb::ff",
                                           "BGPPeer border", "BGPPeer rack1-tor", "BGPPeer to-rr", "ipPool",
                                           "ipPool", "IPPool", "Segment", "Segment", "Link"}));
}

TEST(SaveTopology, WritesTheDocumentsPeersInTheDocumentsOwnForm) {
  Topology t = load(std::string(kDocGlobalPeer) + "---\n" + kDocNodePeer);
  EXPECT_EQ(save_topology(t), std::string("---\n") + kDocGlobalPeer + "---\n" + kDocNodePeer);
}

TEST(SaveTopology, WritesNodeInsteadOfHostnameInTheV1Dialect) {
  Topology t = load(kDocNodePeer);
  std::string v1 = save_topology(t, V1Dialect::V1);
  EXPECT_EQ(
      v1,
      "---\napiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  node: Node1\n  peerIP: aa:bb::ff\n"
      "spec:\n  asNumber: 64514\n");
  EXPECT_EQ(v1.find("hostname"), std::string::npos);
  // Both dialects read back to the same model.
  EXPECT_EQ(save_topology(load(v1)), save_topology(t));
}

TEST(ToYamlList, WritesASequenceAndAnEmptyListAsBrackets) {
  EXPECT_EQ(to_yaml_list({}, V1Dialect::Alpha), "[]\n");
  auto f = parse(kDocGlobalPeer);
  EXPECT_EQ(to_yaml_list(f.resources, V1Dialect::Alpha),
            "- apiVersion: v1\n  kind: bgpPeer\n  metadata:\n    scope: global\n    peerIP: 192.20.30.40\n"
            "  spec:\n    asNumber: 64567\n");
}

TEST(ToJsonList, WritesNumbersAsNumbersAndTextAsStrings) {
  auto f = parse(kDocNodePeer);
  EXPECT_EQ(to_json_list(f.resources, V1Dialect::V1), R"y([
  {
    "apiVersion": "v1",
    "kind": "bgpPeer",
    "metadata": {
      "scope": "node",
      "node": "Node1",
      "peerIP": "aa:bb::ff"
    },
    "spec": {
      "asNumber": 64514
    }
  }
]
)y");
}

TEST(ToJsonList, KeepsANumericNodeNameAString) {
  auto f = parse("apiVersion: v1\nkind: node\nmetadata:\n  name: '0042'\n");
  ASSERT_EQ(f.resources.size(), 1u);
  std::string json = to_json_list(f.resources, V1Dialect::Alpha);
  EXPECT_NE(json.find("\"name\": \"0042\""), std::string::npos) << json;
}

TEST(AddResources, ReportsADuplicatePeerWithWhereItWasFirstDefined) {
  Diagnostics d;
  Topology t = load(std::string(kDocGlobalPeer) + "---\n" + kDocNodePeer + "---\n" + kDocGlobalPeer, &d);
  EXPECT_EQ(t.peers.size(), 2u);
  ASSERT_EQ(d.items().size(), 1u) << d.to_string();
  EXPECT_EQ(format(d.items()[0]),
            "t.yaml:18:1: error[E301]: duplicate bgpPeer 192.20.30.40 (first defined at t.yaml:1:1)\n"
            "  hint: each resource is defined once; remove or rename one of them");
}

TEST(AddResources, TreatsTheSameAddressInAnotherScopeAsAnotherPeer) {
  Topology t = load(std::string(kDocGlobalPeer) + "---\n" +
                    "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  node: Node1\n"
                    "  peerIP: 192.20.30.40\nspec:\n  asNumber: 64567\n");
  EXPECT_EQ(t.peers.size(), 2u);
}

TEST(AddResources, ReportsDuplicateNodesPoolsAndFabricNames) {
  Diagnostics d;
  load(
      "apiVersion: v1\nkind: node\nmetadata:\n  name: Node1\n---\n"
      "apiVersion: v1\nkind: node\nmetadata:\n  name: Node1\n---\n"
      "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.0.0.0/16\n---\n"
      "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.0.0.0/16\n---\n"
      "apiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: s\nspec:\n  cidr: 10.1.0.0/24\n---\n"
      "apiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: s\nspec:\n  cidr: 10.2.0.0/24\n",
      &d);
  EXPECT_EQ(summary(d), (std::vector<std::string>{
                            "6:1 error[E301]: duplicate node 'Node1' (first defined at t.yaml:1:1)",
                            "16:1 error[E301]: duplicate ipPool 10.0.0.0/16 (first defined at t.yaml:11:1)",
                            "28:1 error[E301]: duplicate segment 's' (first defined at t.yaml:21:1)",
                        }));
}

TEST(AddResources, ReportsDuplicateRoutersLinksAndV3PeersAndThoseOfAnEarlierCall) {
  const char* router =
      "apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r1\nspec:\n  asNumber: 65000\n";
  const char* link = "apiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: l\nspec:\n  a: r1\n  b: r2\n";
  const char* v3_peer =
      "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: tor\nspec:\n"
      "  peerIP: 192.20.30.40\n  asNumber: 64567\n";
  const char* v1_peer =
      "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  peerIP: 192.20.30.40\n  scope: global\nspec:\n"
      "  asNumber: 64567\n";
  Topology t;
  Diagnostics first;
  add_resources(t, parse(std::string(router) + "---\n" + link + "---\n" + v3_peer).resources, first);
  ASSERT_TRUE(first.items().empty()) << first.to_string();
  // The same three again, and a v1 peer with the v3 one's address: another identity.
  Diagnostics d;
  auto again = parse(std::string(router) + "---\n" + link + "---\n" + v3_peer + "---\n" + v1_peer);
  add_resources(t, again.resources, d);
  EXPECT_EQ(summary(d), (std::vector<std::string>{
                            "1:1 error[E301]: duplicate router 'r1' (first defined at t.yaml:1:1)",
                            "8:1 error[E301]: duplicate link 'l' (first defined at t.yaml:8:1)",
                            "16:1 error[E301]: duplicate bgpPeer tor (first defined at t.yaml:16:1)",
                        }));
  EXPECT_EQ(t.routers.size(), 1u);
  EXPECT_EQ(t.links.size(), 1u);
  EXPECT_EQ(t.peers.size(), 2u);
}

TEST(AddResources, MergesConfigurationInsteadOfReportingDuplicates) {
  Topology t = load(
      "apiVersion: peerlab/v1\nkind: ClusterConfig\nmetadata:\n  name: default\nspec:\n"
      "  defaultNodeASNumber: 64512\n---\n"
      "apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata:\n  name: default\nspec:\n"
      "  nodeToNodeMeshEnabled: false\n");
  EXPECT_EQ(t.config.as_number, 64512u);
  EXPECT_EQ(t.config.node_to_node_mesh, false);
}

}  // namespace
}  // namespace peerlab
