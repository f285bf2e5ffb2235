// Unit tests of topology/peerings.hpp (derive_speakers): what calico/node's confd would render for
// each node (calico-model.md §2, §3) and what fabric routers declare, on YAML fixtures. Expected
// values are worked out by hand from the templates: Mesh_/Global_/Node_ names and order, local and
// peer AS, source addresses, the one-way mesh by string comparison, the v3 route-reflector rule and
// reverse peerings, the node-vs-global dedup, IPAM blocks, router ids and BGP timers.
#include "topology/peerings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "topology/resources.hpp"

namespace peerlab {
namespace {

Topology load(const std::string& text) {
  auto parsed = parse_resources(text, "peerings.yaml");
  Diagnostics d = parsed.diagnostics;
  Topology t;
  add_resources(t, parsed.resources, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

// ---- fixture builders ---------------------------------------------------------------------------

// A v1 node with the given spec.bgp lines ("ipv4Address: 10.0.0.1/24").
std::string node(const std::string& name, std::initializer_list<std::string> bgp) {
  std::string s = "---\napiVersion: v1\nkind: node\nmetadata:\n  name: " + name + "\nspec:\n  bgp:\n";
  for (const auto& line : bgp) s += "    " + line + "\n";
  return s;
}

// A v3 node with optional labels ("route-reflector: \"true\"") and spec.bgp lines.
std::string v3_node(const std::string& name, std::initializer_list<std::string> labels,
                    std::initializer_list<std::string> bgp) {
  std::string s = "---\napiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: " + name + "\n";
  if (labels.size() > 0) {
    s += "  labels:\n";
    for (const auto& l : labels) s += "    " + l + "\n";
  }
  s += "spec:\n  bgp:\n";
  for (const auto& line : bgp) s += "    " + line + "\n";
  return s;
}

std::string global_peer(const std::string& peer_ip, const std::string& as) {
  return "---\napiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: " + peer_ip +
         "\nspec:\n  asNumber: " + as + "\n";
}

std::string node_peer(const std::string& node, const std::string& peer_ip, const std::string& as) {
  return "---\napiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  hostname: " + node +
         "\n  peerIP: " + peer_ip + "\nspec:\n  asNumber: " + as + "\n";
}

// A v3 BGPPeer with the given spec lines.
std::string v3_peer(const std::string& name, std::initializer_list<std::string> spec) {
  std::string s =
      "---\napiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: " + name + "\nspec:\n";
  for (const auto& line : spec) s += "  " + line + "\n";
  return s;
}

// peerlab/v1 ClusterConfig (calicoctl config) with the given spec lines.
std::string cluster_config(std::initializer_list<std::string> spec) {
  std::string s = "---\napiVersion: peerlab/v1\nkind: ClusterConfig\nmetadata:\n  name: default\nspec:\n";
  for (const auto& line : spec) s += "  " + line + "\n";
  return s;
}

std::string pool(const std::string& cidr, bool disabled = false) {
  return "---\napiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: " + cidr +
         "\nspec:\n  disabled: " + (disabled ? "true" : "false") + "\n";
}

std::string timers(std::initializer_list<std::string> spec) {
  std::string s = "---\napiVersion: peerlab/v1\nkind: BGPTimers\nmetadata:\n  name: default\nspec:\n";
  for (const auto& line : spec) s += "  " + line + "\n";
  return s;
}

IpAddr ip(std::string_view text) {
  auto a = parse_ip(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddr{});
}

Prefix pfx(std::string_view text) {
  auto p = parse_prefix(text);
  EXPECT_TRUE(p.has_value()) << text;
  return p.value_or(Prefix{});
}

std::uint32_t id(std::string_view dotted) {
  return ip(dotted).v4_value();
}

using Names = std::vector<std::string>;

const SpeakerConfig& speaker(const std::vector<SpeakerConfig>& all, const std::string& name) {
  auto it = std::find_if(all.begin(), all.end(), [&](const SpeakerConfig& s) { return s.name == name; });
  if (it == all.end()) {
    ADD_FAILURE() << "no speaker " << name;
    static const SpeakerConfig none;
    return none;
  }
  return *it;
}

const NeighborConfig& neighbor(const SpeakerConfig& s, const std::string& protocol) {
  auto it = std::find_if(s.neighbors.begin(), s.neighbors.end(),
                         [&](const NeighborConfig& n) { return n.protocol_name == protocol; });
  if (it == s.neighbors.end()) {
    ADD_FAILURE() << s.name << " has no neighbour " << protocol;
    static const NeighborConfig none;
    return none;
  }
  return *it;
}

Names protocols(const SpeakerConfig& s) {
  Names out;
  for (const auto& n : s.neighbors) out.push_back(n.protocol_name);
  return out;
}

Names speaker_names(const std::vector<SpeakerConfig>& all) {
  Names out;
  for (const auto& s : all) out.push_back(s.name);
  return out;
}

// ---- the source document's world ----------------------------------------------------------------

std::string doc_nodes() {
  return node("Node1", {"ipv4Address: 172.17.42.20/24", "ipv6Address: aa:bb::fe/64"}) +
         node("Node2", {"ipv4Address: 172.17.42.21/24", "ipv6Address: aa:bb::ff/64"});
}

std::string doc_world() {
  return doc_nodes() + global_peer("10.20.30.40", "64567") + node_peer("Node1", "192.10.0.0", "64514");
}

TEST(DeriveSpeakers, GivesOneCalicoNodeSpeakerPerBgpNodeInModelOrder) {
  auto s = derive_speakers(load(doc_world()));
  ASSERT_EQ(speaker_names(s), (Names{"Node1", "Node2"}));
  EXPECT_EQ(s[0].kind, SpeakerKind::CalicoNode);
  EXPECT_EQ(s[0].local_as, 64511U);
  EXPECT_EQ(s[0].router_id, id("172.17.42.20"));
  EXPECT_EQ(s[0].addresses, (std::vector<IpAddr>{ip("172.17.42.20"), ip("aa:bb::fe")}));
  EXPECT_EQ(s[1].local_as, 64511U);
  EXPECT_EQ(s[1].router_id, id("172.17.42.21"));
  EXPECT_TRUE(s[0].neighbor_ranges.empty());
}

TEST(DeriveSpeakers, Node1GetsTheMeshThenTheGlobalPeerThenItsNodePeerInThatOrder) {
  auto s = derive_speakers(load(doc_world()));
  EXPECT_EQ(protocols(speaker(s, "Node1")),
            (Names{"Mesh_172_17_42_21", "Mesh_aa_bb__ff", "Global_10_20_30_40", "Node_192_10_0_0"}));
}

TEST(DeriveSpeakers, Node1sNeighboursHaveTheTemplatesTypesAsNumbersAndSourceAddresses) {
  auto s = derive_speakers(load(doc_world()));
  const auto& n1 = speaker(s, "Node1");
  ASSERT_EQ(n1.neighbors.size(), 4U);

  const auto& mesh4 = n1.neighbors[0];
  EXPECT_EQ(mesh4.type, PeerType::Mesh);
  EXPECT_EQ(mesh4.peer_address, ip("172.17.42.21"));
  EXPECT_EQ(mesh4.peer_as, 64511U);
  EXPECT_EQ(mesh4.source_address, ip("172.17.42.20"));
  EXPECT_TRUE(mesh4.multihop);

  const auto& mesh6 = n1.neighbors[1];
  EXPECT_EQ(mesh6.type, PeerType::Mesh);
  EXPECT_EQ(mesh6.peer_address, ip("aa:bb::ff"));
  EXPECT_EQ(mesh6.peer_as, 64511U);
  EXPECT_EQ(mesh6.source_address, ip("aa:bb::fe"));

  const auto& global = n1.neighbors[2];
  EXPECT_EQ(global.type, PeerType::Global);
  EXPECT_EQ(global.peer_address, ip("10.20.30.40"));
  EXPECT_EQ(global.peer_as, 64567U);
  EXPECT_EQ(global.source_address, ip("172.17.42.20"));
  EXPECT_FALSE(global.passive);

  const auto& nodepeer = n1.neighbors[3];
  EXPECT_EQ(nodepeer.type, PeerType::NodeSpecific);
  EXPECT_EQ(nodepeer.peer_address, ip("192.10.0.0"));
  EXPECT_EQ(nodepeer.peer_as, 64514U);
  EXPECT_EQ(nodepeer.source_address, ip("172.17.42.20"));
  EXPECT_FALSE(nodepeer.passive);

  for (const auto& n : n1.neighbors) {
    EXPECT_FALSE(n.rr_client) << n.protocol_name;
    EXPECT_EQ(n.rr_cluster_id, std::nullopt) << n.protocol_name;
    EXPECT_EQ(n.allow_local_as, 0) << n.protocol_name;
    EXPECT_FALSE(n.next_hop_self) << n.protocol_name;
    EXPECT_FALSE(n.next_hop_keep) << n.protocol_name;
    EXPECT_EQ(n.timers, TimerConfig::bird_defaults()) << n.protocol_name;
  }
}

TEST(DeriveSpeakers, Node2GetsTheMeshAndTheGlobalPeerButNotNode1sNodePeer) {
  auto s = derive_speakers(load(doc_world()));
  const auto& n2 = speaker(s, "Node2");
  EXPECT_EQ(protocols(n2), (Names{"Mesh_172_17_42_20", "Mesh_aa_bb__fe", "Global_10_20_30_40"}));
  EXPECT_EQ(neighbor(n2, "Mesh_172_17_42_20").source_address, ip("172.17.42.21"));
  EXPECT_EQ(neighbor(n2, "Mesh_aa_bb__fe").source_address, ip("aa:bb::ff"));
  EXPECT_EQ(neighbor(n2, "Global_10_20_30_40").peer_as, 64567U);
}

TEST(DeriveSpeakers, AnExplicitDefaultNodeAsIsEveryNodesLocalAsAndItsMeshPeersAs) {
  auto s = derive_speakers(load(doc_world() + cluster_config({"defaultNodeASNumber: 64512"})));
  const auto& n1 = speaker(s, "Node1");
  EXPECT_EQ(n1.local_as, 64512U);
  EXPECT_EQ(speaker(s, "Node2").local_as, 64512U);
  EXPECT_EQ(neighbor(n1, "Mesh_172_17_42_21").peer_as, 64512U);
  EXPECT_EQ(neighbor(n1, "Mesh_aa_bb__ff").peer_as, 64512U);
  EXPECT_EQ(neighbor(n1, "Global_10_20_30_40").peer_as, 64567U);  // a peer's own AS is unchanged
  EXPECT_EQ(neighbor(n1, "Node_192_10_0_0").peer_as, 64514U);
}

TEST(DeriveSpeakers, AMeshPeerWithoutAnAddressOfTheFamilyGetsNoSessionOfThatFamily) {
  auto s = derive_speakers(load(node("Node1", {"ipv4Address: 172.17.42.20/24", "ipv6Address: aa:bb::fe/64"}) +
                                node("Node2", {"ipv4Address: 172.17.42.21/24"}) +
                                node("Node3", {"ipv6Address: aa:bb::1/64"})));
  EXPECT_EQ(protocols(speaker(s, "Node1")), (Names{"Mesh_172_17_42_21", "Mesh_aa_bb__1"}));
  EXPECT_EQ(protocols(speaker(s, "Node2")), (Names{"Mesh_172_17_42_20"}));
  EXPECT_EQ(protocols(speaker(s, "Node3")), (Names{"Mesh_aa_bb__fe"}));
}

TEST(DeriveSpeakers, ANodeWithoutBgpOrWithoutAnAddressIsNeitherASpeakerNorAMeshPeer) {
  auto s = derive_speakers(load(doc_nodes() +
                                "---\napiVersion: v1\nkind: node\nmetadata:\n  name: Node3\nspec: {}\n" +
                                node("Node4", {"asNumber: 65000"})));
  EXPECT_EQ(speaker_names(s), (Names{"Node1", "Node2"}));
  EXPECT_EQ(protocols(speaker(s, "Node1")), (Names{"Mesh_172_17_42_21", "Mesh_aa_bb__ff"}));
}

// ---- the one-way mesh ---------------------------------------------------------------------------

// confd's template writes `passive on` when `gt $onode_ip $node_ip`: a node waits for every peer
// whose address is greater AS A STRING than its own; the string-greater side connects.
TEST(DeriveSpeakers, TheMeshSessionIsPassiveOnTheSideWhoseAddressIsTheSmallerString) {
  auto s = derive_speakers(
      load(node("nine", {"ipv4Address: 10.0.0.9/24"}) + node("ten", {"ipv4Address: 10.0.0.10/24"})));
  // "10.0.0.9" > "10.0.0.10" as strings (although 9 < 10 as numbers): ten waits, nine connects.
  EXPECT_FALSE(neighbor(speaker(s, "nine"), "Mesh_10_0_0_10").passive);
  EXPECT_TRUE(neighbor(speaker(s, "ten"), "Mesh_10_0_0_9").passive);
}

TEST(DeriveSpeakers, TheMeshIsOneWayForEveryPairIncludingIpv6) {
  auto s = derive_speakers(load(node("a", {"ipv4Address: 10.0.0.2/24", "ipv6Address: fd00::a/64"}) +
                                node("b", {"ipv4Address: 10.0.0.3/24", "ipv6Address: fd00::9/64"}) +
                                node("c", {"ipv4Address: 10.0.0.20/24", "ipv6Address: fd00::10/64"})));
  // "10.0.0.3" > "10.0.0.20" > "10.0.0.2"; "fd00::a" > "fd00::9" > "fd00::10".
  const auto &a = speaker(s, "a"), &b = speaker(s, "b"), &c = speaker(s, "c");
  EXPECT_TRUE(neighbor(a, "Mesh_10_0_0_3").passive);
  EXPECT_TRUE(neighbor(a, "Mesh_10_0_0_20").passive);
  EXPECT_FALSE(neighbor(b, "Mesh_10_0_0_2").passive);
  EXPECT_FALSE(neighbor(b, "Mesh_10_0_0_20").passive);
  EXPECT_FALSE(neighbor(c, "Mesh_10_0_0_2").passive);
  EXPECT_TRUE(neighbor(c, "Mesh_10_0_0_3").passive);
  EXPECT_FALSE(neighbor(a, "Mesh_fd00__9").passive);
  EXPECT_FALSE(neighbor(a, "Mesh_fd00__10").passive);
  EXPECT_TRUE(neighbor(b, "Mesh_fd00__a").passive);
  EXPECT_FALSE(neighbor(b, "Mesh_fd00__10").passive);
  EXPECT_TRUE(neighbor(c, "Mesh_fd00__a").passive);
  EXPECT_TRUE(neighbor(c, "Mesh_fd00__9").passive);
}

// ---- mesh off -----------------------------------------------------------------------------------

TEST(DeriveSpeakers, TurningTheMeshOffWithCalicoctlConfigLeavesNoMeshSessions) {
  auto s = derive_speakers(load(doc_world() + cluster_config({"nodeToNodeMesh: off"})));
  EXPECT_EQ(protocols(speaker(s, "Node1")), (Names{"Global_10_20_30_40", "Node_192_10_0_0"}));
  EXPECT_EQ(protocols(speaker(s, "Node2")), (Names{"Global_10_20_30_40"}));
}

TEST(DeriveSpeakers, TurningTheMeshOffWithAV3BgpConfigurationLeavesNoMeshSessions) {
  auto s = derive_speakers(load(doc_world() +
                                "---\napiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata:\n"
                                "  name: default\nspec:\n  nodeToNodeMeshEnabled: false\n"));
  EXPECT_EQ(protocols(speaker(s, "Node1")), (Names{"Global_10_20_30_40", "Node_192_10_0_0"}));
  EXPECT_EQ(protocols(speaker(s, "Node2")), (Names{"Global_10_20_30_40"}));
}

TEST(DeriveSpeakers, TurningTheMeshExplicitlyOnKeepsTheMesh) {
  auto s = derive_speakers(load(doc_nodes() + cluster_config({"nodeToNodeMesh: on"})));
  EXPECT_EQ(protocols(speaker(s, "Node1")), (Names{"Mesh_172_17_42_21", "Mesh_aa_bb__ff"}));
}

// ---- self and duplicates ------------------------------------------------------------------------

TEST(DeriveSpeakers, ANodePeerToTheNodesOwnAddressIsSkipped) {
  auto s = derive_speakers(load(doc_nodes() + node_peer("Node1", "172.17.42.20", "64511") +
                                node_peer("Node1", "aa:bb::fe", "64511")));
  EXPECT_EQ(protocols(speaker(s, "Node1")), (Names{"Mesh_172_17_42_21", "Mesh_aa_bb__ff"}));
}

TEST(DeriveSpeakers, AGlobalPeerAtANodesOwnAddressIsSkippedOnThatNodeOnly) {
  auto s = derive_speakers(
      load(doc_nodes() + cluster_config({"nodeToNodeMesh: off"}) + global_peer("172.17.42.21", "64511")));
  EXPECT_EQ(protocols(speaker(s, "Node1")), (Names{"Global_172_17_42_21"}));
  EXPECT_TRUE(speaker(s, "Node2").neighbors.empty());
}

TEST(DeriveSpeakers, ANodePeerToAnAddressThatIsAlsoAGlobalPeerIsSkipped) {
  auto s =
      derive_speakers(load(doc_nodes() + cluster_config({"nodeToNodeMesh: off"}) +
                           global_peer("10.20.30.40", "64567") + node_peer("Node1", "10.20.30.40", "65000")));
  const auto& n1 = speaker(s, "Node1");
  EXPECT_EQ(protocols(n1), (Names{"Global_10_20_30_40"}));
  EXPECT_EQ(neighbor(n1, "Global_10_20_30_40").peer_as, 64567U);
}

TEST(DeriveSpeakers, AV3NodePeerToAnAddressThatIsAlsoAV3GlobalPeerIsSkipped) {
  auto s =
      derive_speakers(load(doc_nodes() + cluster_config({"nodeToNodeMesh: off"}) +
                           v3_peer("global", {"peerIP: 10.20.30.40", "asNumber: 64567"}) +
                           v3_peer("node1-only", {"node: Node1", "peerIP: 10.20.30.40", "asNumber: 65000"}) +
                           v3_peer("node2-only", {"node: Node2", "peerIP: 10.20.30.41", "asNumber: 65000"})));
  EXPECT_EQ(protocols(speaker(s, "Node1")), (Names{"Global_10_20_30_40"}));
  EXPECT_EQ(protocols(speaker(s, "Node2")), (Names{"Global_10_20_30_40", "Node_10_20_30_41"}));
  EXPECT_EQ(neighbor(speaker(s, "Node2"), "Node_10_20_30_41").type, PeerType::NodeSpecific);
}

// ---- v3 route reflectors ------------------------------------------------------------------------

// Two in-cluster RRs (cluster 244.0.0.1, labelled route-reflector: "true") and three clients, mesh
// off; the model orders the nodes c1, c2, c3, rr1, rr2.
std::string rr_cluster() {
  return cluster_config({"nodeToNodeMesh: off"}) +
         v3_node("rr1", {"route-reflector: \"true\""},
                 {"ipv4Address: 10.0.0.21/24", "routeReflectorClusterID: 244.0.0.1"}) +
         v3_node("rr2", {"route-reflector: \"true\""},
                 {"ipv4Address: 10.0.0.22/24", "routeReflectorClusterID: 244.0.0.1"}) +
         v3_node("c1", {}, {"ipv4Address: 10.0.0.31/24"}) + v3_node("c2", {}, {"ipv4Address: 10.0.0.32/24"}) +
         v3_node("c3", {}, {"ipv4Address: 10.0.0.33/24"});
}

std::string rr_peer_all() {
  return v3_peer("peer-with-rrs", {"nodeSelector: all()", "peerSelector: route-reflector == 'true'"});
}

TEST(DeriveSpeakers, EveryRouteReflectorClientPeersWithBothReflectorsAsAPlainIbgpPeer) {
  auto s = derive_speakers(load(rr_cluster() + rr_peer_all()));
  ASSERT_EQ(speaker_names(s), (Names{"c1", "c2", "c3", "rr1", "rr2"}));
  for (const char* c : {"c1", "c2", "c3"}) {
    const auto& sp = speaker(s, c);
    EXPECT_EQ(protocols(sp), (Names{"Node_10_0_0_21", "Node_10_0_0_22"})) << c;
    for (const auto& n : sp.neighbors) {
      EXPECT_EQ(n.type, PeerType::NodeSpecific) << c;
      EXPECT_EQ(n.peer_as, 64511U) << c;
      EXPECT_FALSE(n.rr_client) << c << " " << n.protocol_name;
      EXPECT_EQ(n.rr_cluster_id, std::nullopt) << c << " " << n.protocol_name;
      EXPECT_FALSE(n.passive) << c << " " << n.protocol_name;
    }
  }
}

TEST(DeriveSpeakers, EachReflectorTreatsTheClientsAsClientsAndTheOtherReflectorAsAPlainPeer) {
  auto s = derive_speakers(load(rr_cluster() + rr_peer_all()));
  const auto& rr1 = speaker(s, "rr1");
  const auto& rr2 = speaker(s, "rr2");
  EXPECT_EQ(protocols(rr1), (Names{"Node_10_0_0_22", "Node_10_0_0_31", "Node_10_0_0_32", "Node_10_0_0_33"}));
  EXPECT_EQ(protocols(rr2), (Names{"Node_10_0_0_21", "Node_10_0_0_31", "Node_10_0_0_32", "Node_10_0_0_33"}));
  for (const auto* rr : {&rr1, &rr2}) {
    for (const char* client : {"Node_10_0_0_31", "Node_10_0_0_32", "Node_10_0_0_33"}) {
      const auto& n = neighbor(*rr, client);
      EXPECT_TRUE(n.rr_client) << rr->name << " " << client;
      EXPECT_EQ(n.rr_cluster_id, id("244.0.0.1")) << rr->name << " " << client;
      EXPECT_EQ(n.source_address, rr->addresses.front()) << rr->name << " " << client;
    }
  }
  // Same cluster id on both reflectors: RR<->RR is plain iBGP, and `rr cluster id` is not set.
  EXPECT_FALSE(neighbor(rr1, "Node_10_0_0_22").rr_client);
  EXPECT_EQ(neighbor(rr1, "Node_10_0_0_22").rr_cluster_id, std::nullopt);
  EXPECT_FALSE(neighbor(rr2, "Node_10_0_0_21").rr_client);
  EXPECT_EQ(neighbor(rr2, "Node_10_0_0_21").rr_cluster_id, std::nullopt);
}

TEST(DeriveSpeakers, ReflectorsWithDifferentClusterIdsAreEachOthersClients) {
  auto s = derive_speakers(load(cluster_config({"nodeToNodeMesh: off"}) +
                                v3_node("rr1", {"route-reflector: \"true\""},
                                        {"ipv4Address: 10.0.0.21/24", "routeReflectorClusterID: 244.0.0.1"}) +
                                v3_node("rr2", {"route-reflector: \"true\""},
                                        {"ipv4Address: 10.0.0.22/24", "routeReflectorClusterID: 244.0.0.2"}) +
                                rr_peer_all()));
  EXPECT_TRUE(neighbor(speaker(s, "rr1"), "Node_10_0_0_22").rr_client);
  EXPECT_EQ(neighbor(speaker(s, "rr1"), "Node_10_0_0_22").rr_cluster_id, id("244.0.0.1"));
  EXPECT_TRUE(neighbor(speaker(s, "rr2"), "Node_10_0_0_21").rr_client);
  EXPECT_EQ(neighbor(speaker(s, "rr2"), "Node_10_0_0_21").rr_cluster_id, id("244.0.0.2"));
}

TEST(DeriveSpeakers, ReflectorsGetTheReversePeeringsOfAPeerThatSelectsOnlyTheClients) {
  auto s = derive_speakers(
      load(rr_cluster() + v3_peer("clients-to-rrs", {"nodeSelector: \"!has(route-reflector)\"",
                                                     "peerSelector: has(route-reflector)"})));
  EXPECT_EQ(protocols(speaker(s, "c1")), (Names{"Node_10_0_0_21", "Node_10_0_0_22"}));
  // No BGPPeer applies to the reflectors: every session they have is a reverse peering, and they
  // do not peer with each other.
  const auto& rr1 = speaker(s, "rr1");
  EXPECT_EQ(protocols(rr1), (Names{"Node_10_0_0_31", "Node_10_0_0_32", "Node_10_0_0_33"}));
  EXPECT_EQ(protocols(speaker(s, "rr2")), (Names{"Node_10_0_0_31", "Node_10_0_0_32", "Node_10_0_0_33"}));
  EXPECT_TRUE(neighbor(rr1, "Node_10_0_0_32").rr_client);
  EXPECT_EQ(neighbor(rr1, "Node_10_0_0_32").rr_cluster_id, id("244.0.0.1"));
  EXPECT_EQ(neighbor(rr1, "Node_10_0_0_32").peer_as, 64511U);
}

TEST(DeriveSpeakers, TheNodeOwningAPeerIpWithThatAsPeersBack) {
  auto s = derive_speakers(
      load(rr_cluster() + v3_peer("c1-to-rr1", {"node: c1", "peerIP: 10.0.0.21", "asNumber: 64511"})));
  EXPECT_EQ(protocols(speaker(s, "c1")), (Names{"Node_10_0_0_21"}));
  EXPECT_EQ(protocols(speaker(s, "rr1")), (Names{"Node_10_0_0_31"}));
  EXPECT_TRUE(neighbor(speaker(s, "rr1"), "Node_10_0_0_31").rr_client);
  EXPECT_TRUE(speaker(s, "rr2").neighbors.empty());
  EXPECT_TRUE(speaker(s, "c2").neighbors.empty());
}

TEST(DeriveSpeakers, TheNodeOwningAPeerIpDoesNotPeerBackWhenTheAsDiffers) {
  auto s = derive_speakers(
      load(rr_cluster() + v3_peer("c1-to-rr1", {"node: c1", "peerIP: 10.0.0.21", "asNumber: 65000"})));
  const auto& c1 = speaker(s, "c1");
  EXPECT_EQ(protocols(c1), (Names{"Node_10_0_0_21"}));
  EXPECT_EQ(neighbor(c1, "Node_10_0_0_21").peer_as, 65000U);
  EXPECT_TRUE(speaker(s, "rr1").neighbors.empty());
}

// ---- AS numbers ---------------------------------------------------------------------------------

TEST(DeriveSpeakers, ANodesOwnAsNumberIsItsLocalAsAndWhatItsMeshPeersSee) {
  auto s = derive_speakers(load(node("a", {"asNumber: 65001", "ipv4Address: 10.0.0.1/24"}) +
                                node("b", {"ipv4Address: 10.0.0.2/24"}) +
                                node("c", {"asNumber: 65001", "ipv4Address: 10.0.0.3/24"})));
  const auto &a = speaker(s, "a"), &b = speaker(s, "b"), &c = speaker(s, "c");
  EXPECT_EQ(a.local_as, 65001U);
  EXPECT_EQ(b.local_as, 64511U);
  EXPECT_EQ(c.local_as, 65001U);
  // b sees a and c in 65001 (eBGP); a sees b in the default AS (eBGP) and c in its own (iBGP).
  EXPECT_EQ(neighbor(b, "Mesh_10_0_0_1").peer_as, 65001U);
  EXPECT_EQ(neighbor(b, "Mesh_10_0_0_3").peer_as, 65001U);
  EXPECT_EQ(neighbor(a, "Mesh_10_0_0_2").peer_as, 64511U);
  EXPECT_EQ(neighbor(a, "Mesh_10_0_0_3").peer_as, 65001U);
  EXPECT_EQ(neighbor(c, "Mesh_10_0_0_1").peer_as, 65001U);
  EXPECT_FALSE(neighbor(b, "Mesh_10_0_0_1").next_hop_keep);  // the mesh never keeps the next hop
}

TEST(DeriveSpeakers, AV3BgpConfigurationAsNumberIsTheDefaultForNodesWithoutTheirOwn) {
  auto s = derive_speakers(load(node("a", {"asNumber: 65001", "ipv4Address: 10.0.0.1/24"}) +
                                node("b", {"ipv4Address: 10.0.0.2/24"}) +
                                "---\napiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata:\n"
                                "  name: default\nspec:\n  asNumber: 64600\n"));
  EXPECT_EQ(speaker(s, "a").local_as, 65001U);
  EXPECT_EQ(speaker(s, "b").local_as, 64600U);
  EXPECT_EQ(neighbor(speaker(s, "a"), "Mesh_10_0_0_2").peer_as, 64600U);
  EXPECT_EQ(neighbor(speaker(s, "b"), "Mesh_10_0_0_1").peer_as, 65001U);
}

TEST(DeriveSpeakers, KeepOriginalNextHopAppliesToEbgpSessionsOnlyAndAllowedLocalAsToAll) {
  auto s =
      derive_speakers(load(doc_nodes() + cluster_config({"nodeToNodeMesh: off"}) +
                           v3_peer("ebgp", {"nodeSelector: all()", "peerIP: 10.20.30.40", "asNumber: 64567",
                                            "keepOriginalNextHop: true", "numAllowedLocalASNumbers: 2"}) +
                           v3_peer("ibgp", {"nodeSelector: all()", "peerIP: 10.20.30.41", "asNumber: 64511",
                                            "keepOriginalNextHop: true", "numAllowedLocalASNumbers: 1"})));
  const auto& n1 = speaker(s, "Node1");
  EXPECT_EQ(protocols(n1), (Names{"Node_10_20_30_40", "Node_10_20_30_41"}));
  EXPECT_TRUE(neighbor(n1, "Node_10_20_30_40").next_hop_keep);
  EXPECT_EQ(neighbor(n1, "Node_10_20_30_40").allow_local_as, 2);
  EXPECT_FALSE(neighbor(n1, "Node_10_20_30_41").next_hop_keep);
  EXPECT_EQ(neighbor(n1, "Node_10_20_30_41").allow_local_as, 1);
}

// ---- IPAM blocks --------------------------------------------------------------------------------

std::string three_v4_nodes() {
  return node("n1", {"ipv4Address: 10.0.0.1/24"}) + node("n2", {"ipv4Address: 10.0.0.2/24"}) +
         node("n3", {"ipv4Address: 10.0.0.3/24"});
}

TEST(DeriveSpeakers, NodesGetConsecutiveSlash26BlocksOfThePoolInModelOrder) {
  // Written out of order: the model sorts nodes by name, and blocks follow the model.
  auto s = derive_speakers(load(node("n3", {"ipv4Address: 10.0.0.3/24"}) +
                                node("n1", {"ipv4Address: 10.0.0.1/24"}) +
                                node("n2", {"ipv4Address: 10.0.0.2/24"}) + pool("10.244.0.0/16")));
  EXPECT_EQ(speaker(s, "n1").originated, (std::vector<Prefix>{pfx("10.244.0.0/26")}));
  EXPECT_EQ(speaker(s, "n2").originated, (std::vector<Prefix>{pfx("10.244.0.64/26")}));
  EXPECT_EQ(speaker(s, "n3").originated, (std::vector<Prefix>{pfx("10.244.0.128/26")}));
  for (const auto& sp : s)
    EXPECT_EQ(sp.export_only_within, (std::vector<Prefix>{pfx("10.244.0.0/16")})) << sp.name;
}

TEST(DeriveSpeakers, BlocksPerNodeTwoGivesEveryNodeTwoConsecutiveBlocks) {
  auto s = derive_speakers(load(three_v4_nodes() + pool("10.244.0.0/16")), DeriveOptions{2});
  EXPECT_EQ(speaker(s, "n1").originated, (std::vector<Prefix>{pfx("10.244.0.0/26"), pfx("10.244.0.64/26")}));
  EXPECT_EQ(speaker(s, "n2").originated,
            (std::vector<Prefix>{pfx("10.244.0.128/26"), pfx("10.244.0.192/26")}));
  EXPECT_EQ(speaker(s, "n3").originated, (std::vector<Prefix>{pfx("10.244.1.0/26"), pfx("10.244.1.64/26")}));
}

TEST(DeriveSpeakers, AFullPoolHandsOutBlocksFromTheNextPoolOfTheFamily) {
  auto s = derive_speakers(load(three_v4_nodes() + pool("10.244.0.0/25") + pool("10.245.0.0/16")));
  EXPECT_EQ(speaker(s, "n1").originated, (std::vector<Prefix>{pfx("10.244.0.0/26")}));
  EXPECT_EQ(speaker(s, "n2").originated, (std::vector<Prefix>{pfx("10.244.0.64/26")}));
  EXPECT_EQ(speaker(s, "n3").originated, (std::vector<Prefix>{pfx("10.245.0.0/26")}));
}

TEST(DeriveSpeakers, ADisabledPoolGivesNoBlocksButStillBoundsWhatIsExported) {
  auto s = derive_speakers(load(three_v4_nodes() + pool("10.244.0.0/16", true) + pool("10.245.0.0/16")));
  EXPECT_EQ(speaker(s, "n1").originated, (std::vector<Prefix>{pfx("10.245.0.0/26")}));
  EXPECT_EQ(speaker(s, "n2").originated, (std::vector<Prefix>{pfx("10.245.0.64/26")}));
  EXPECT_EQ(speaker(s, "n1").export_only_within,
            (std::vector<Prefix>{pfx("10.244.0.0/16"), pfx("10.245.0.0/16")}));
}

TEST(DeriveSpeakers, OnlyDisabledPoolsGiveNoBlocksAndNoDefaultPools) {
  auto s = derive_speakers(load(three_v4_nodes() + pool("10.244.0.0/16", true)));
  for (const auto& sp : s) {
    EXPECT_TRUE(sp.originated.empty()) << sp.name;
    EXPECT_EQ(sp.export_only_within, (std::vector<Prefix>{pfx("10.244.0.0/16")})) << sp.name;
  }
}

TEST(DeriveSpeakers, DefaultPoolsAreCalicosTwoDefaults) {
  EXPECT_EQ(default_pools(), (std::vector<Prefix>{pfx("192.168.0.0/16"), pfx("fd80:24e2:f998:72d6::/64")}));
}

TEST(DeriveSpeakers, WithNoPoolAtAllBlocksComeFromCalicosDefaultPoolsAndIpv6OnlyForIpv6Nodes) {
  auto s = derive_speakers(load(node("n1", {"ipv4Address: 10.0.0.1/24", "ipv6Address: fd00::1/64"}) +
                                node("n2", {"ipv4Address: 10.0.0.2/24"}) +
                                node("n3", {"ipv6Address: fd00::3/64"})));
  EXPECT_EQ(speaker(s, "n1").originated,
            (std::vector<Prefix>{pfx("192.168.0.0/26"), pfx("fd80:24e2:f998:72d6::/122")}));
  EXPECT_EQ(speaker(s, "n2").originated, (std::vector<Prefix>{pfx("192.168.0.64/26")}));
  EXPECT_EQ(speaker(s, "n3").originated, (std::vector<Prefix>{pfx("fd80:24e2:f998:72d6::40/122")}));
  for (const auto& sp : s) EXPECT_EQ(sp.export_only_within, default_pools()) << sp.name;
}

TEST(DeriveSpeakers, AnIpv4PoolAloneGivesIpv6NodesNoIpv6Block) {
  auto s = derive_speakers(
      load(node("n1", {"ipv4Address: 10.0.0.1/24", "ipv6Address: fd00::1/64"}) + pool("10.244.0.0/16")));
  EXPECT_EQ(speaker(s, "n1").originated, (std::vector<Prefix>{pfx("10.244.0.0/26")}));
}

TEST(DeriveSpeakers, AnIpv6PoolGivesSlash122Blocks) {
  auto s = derive_speakers(load(node("n1", {"ipv4Address: 10.0.0.1/24", "ipv6Address: fd00::1/64"}) +
                                node("n2", {"ipv4Address: 10.0.0.2/24", "ipv6Address: fd00::2/64"}) +
                                pool("10.244.0.0/16") + pool("fd00:10::/64")));
  EXPECT_EQ(speaker(s, "n1").originated, (std::vector<Prefix>{pfx("10.244.0.0/26"), pfx("fd00:10::/122")}));
  EXPECT_EQ(speaker(s, "n2").originated,
            (std::vector<Prefix>{pfx("10.244.0.64/26"), pfx("fd00:10::40/122")}));
}

// ---- router ids ---------------------------------------------------------------------------------

TEST(DeriveSpeakers, ANodesRouterIdIsItsIpv4Address) {
  auto s = derive_speakers(load(node("n1", {"ipv6Address: fd00::1/64", "ipv4Address: 10.0.0.1/24"})));
  EXPECT_EQ(speaker(s, "n1").router_id, id("10.0.0.1"));
}

TEST(DeriveSpeakers, ANodeWithoutIpv4GetsAStableRouterIdHashedFromItsName) {
  auto one = derive_speakers(
      load(node("alpha", {"ipv6Address: fd00::1/64"}) + node("beta", {"ipv6Address: fd00::2/64"})));
  auto two = derive_speakers(load(node("alpha", {"ipv6Address: fd00::9/64"})));
  const auto alpha = speaker(one, "alpha").router_id;
  EXPECT_NE(alpha, 0U);
  EXPECT_EQ(speaker(two, "alpha").router_id, alpha);  // the name decides, not the address
  EXPECT_NE(speaker(one, "beta").router_id, alpha);
}

// ---- fabric routers -----------------------------------------------------------------------------

std::string tor() {
  return R"y(---
apiVersion: peerlab/v1
kind: Router
metadata:
  name: tor1
spec:
  role: tor
  asNumber: 65001
  addresses: [10.1.1.1/24, 10.0.0.11/24]
  routeReflectorClusterID: 10.1.1.1
  allowLocalAS: 1
  originate: [0.0.0.0/0]
  neighbors:
  - address: 10.0.0.1
    asNumber: 65000
    allowLocalAS: 0
  - address: 10.1.1.11
    asNumber: 65001
    routeReflectorClient: true
  - address: 10.1.1.12
    asNumber: 65001
    routeReflectorClient: true
    allowLocalAS: 3
    nextHopSelf: true
    passive: true
  neighborRanges:
  - cidr: 10.1.1.0/24
    asNumber: 65001
    routeReflectorClient: true
  - cidr: 10.2.0.0/16
    allowLocalAS: 2
)y";
}

TEST(DeriveSpeakers, RoutersComeAfterTheNodesAndKeepTheirOwnAsAddressesAndRoutes) {
  auto s = derive_speakers(load(tor() + node("n1", {"ipv4Address: 10.1.1.11/24"})));
  ASSERT_EQ(speaker_names(s), (Names{"n1", "tor1"}));
  const auto& r = s[1];
  EXPECT_EQ(r.kind, SpeakerKind::Router);
  EXPECT_EQ(r.local_as, 65001U);
  EXPECT_EQ(r.addresses, (std::vector<IpAddr>{ip("10.1.1.1"), ip("10.0.0.11")}));
  EXPECT_EQ(r.originated, (std::vector<Prefix>{pfx("0.0.0.0/0")}));
  EXPECT_EQ(r.export_only_within, std::nullopt);
}

TEST(DeriveSpeakers, ARoutersNeighboursArePeerProtocolsOfTypeFabric) {
  auto s = derive_speakers(load(tor()));
  const auto& r = speaker(s, "tor1");
  EXPECT_EQ(protocols(r), (Names{"Peer_10_0_0_1", "Peer_10_1_1_11", "Peer_10_1_1_12"}));
  for (const auto& n : r.neighbors) {
    EXPECT_EQ(n.type, PeerType::Fabric) << n.protocol_name;
    EXPECT_EQ(n.timers, TimerConfig::bird_defaults()) << n.protocol_name;
  }
  const auto& spine = neighbor(r, "Peer_10_0_0_1");
  EXPECT_EQ(spine.peer_address, ip("10.0.0.1"));
  EXPECT_EQ(spine.peer_as, 65000U);
  EXPECT_EQ(spine.source_address, ip("10.0.0.11"));  // the address in the peer's subnet
  EXPECT_FALSE(spine.passive);
  EXPECT_FALSE(spine.next_hop_self);
  EXPECT_EQ(neighbor(r, "Peer_10_1_1_11").source_address, ip("10.1.1.1"));
}

TEST(DeriveSpeakers, ARouterSetsRrClientAndItsClusterIdOnClientSessionsOnly) {
  auto s = derive_speakers(load(tor()));
  const auto& r = speaker(s, "tor1");
  EXPECT_FALSE(neighbor(r, "Peer_10_0_0_1").rr_client);
  EXPECT_EQ(neighbor(r, "Peer_10_0_0_1").rr_cluster_id, std::nullopt);
  EXPECT_TRUE(neighbor(r, "Peer_10_1_1_11").rr_client);
  EXPECT_EQ(neighbor(r, "Peer_10_1_1_11").rr_cluster_id, id("10.1.1.1"));
  EXPECT_TRUE(neighbor(r, "Peer_10_1_1_12").rr_client);
  EXPECT_EQ(neighbor(r, "Peer_10_1_1_12").rr_cluster_id, id("10.1.1.1"));
}

TEST(DeriveSpeakers, ANeighboursAllowLocalAsOverridesTheRoutersAndOtherFlagsCarryOver) {
  auto s = derive_speakers(load(tor()));
  const auto& r = speaker(s, "tor1");
  EXPECT_EQ(neighbor(r, "Peer_10_0_0_1").allow_local_as, 0);   // explicit 0 beats the router's 1
  EXPECT_EQ(neighbor(r, "Peer_10_1_1_11").allow_local_as, 1);  // the router's
  const auto& n12 = neighbor(r, "Peer_10_1_1_12");
  EXPECT_EQ(n12.allow_local_as, 3);
  EXPECT_TRUE(n12.next_hop_self);
  EXPECT_TRUE(n12.passive);
}

TEST(DeriveSpeakers, ARoutersIdDefaultsToItsLowestIpv4Address) {
  auto s = derive_speakers(load(tor()));
  EXPECT_EQ(speaker(s, "tor1").router_id, id("10.0.0.11"));
}

TEST(DeriveSpeakers, ARoutersExplicitRouterIdWins) {
  auto s = derive_speakers(
      load("---\napiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r\nspec:\n  asNumber: 65000\n"
           "  routerID: 1.1.1.1\n  addresses: [10.0.0.1/24]\n"));
  EXPECT_EQ(speaker(s, "r").router_id, id("1.1.1.1"));
}

TEST(DeriveSpeakers, ARouterWithoutIpv4GetsTheSameHashedRouterIdAsANodeOfThatName) {
  auto r = derive_speakers(
      load("---\napiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: alpha\nspec:\n  asNumber: 65000\n"
           "  addresses: [fd00::1/64]\n"));
  auto n = derive_speakers(load(node("alpha", {"ipv6Address: fd00::2/64"})));
  EXPECT_EQ(speaker(r, "alpha").router_id, speaker(n, "alpha").router_id);
  EXPECT_NE(speaker(r, "alpha").router_id, 0U);
}

TEST(DeriveSpeakers, ARoutersNeighbourRangesBecomeNeighborRangeEntries) {
  auto s = derive_speakers(load(tor()));
  const auto& r = speaker(s, "tor1");
  ASSERT_EQ(r.neighbor_ranges.size(), 2U);
  const auto& rack = r.neighbor_ranges[0];
  EXPECT_EQ(rack.protocol_prefix, "Dyn");
  EXPECT_EQ(rack.range, pfx("10.1.1.0/24"));
  EXPECT_EQ(rack.peer_as, 65001U);
  EXPECT_EQ(rack.templ.type, PeerType::Fabric);
  EXPECT_TRUE(rack.templ.rr_client);
  EXPECT_EQ(rack.templ.rr_cluster_id, id("10.1.1.1"));
  EXPECT_EQ(rack.templ.allow_local_as, 1);
  EXPECT_EQ(rack.templ.source_address, ip("10.1.1.1"));
  EXPECT_EQ(rack.templ.timers, TimerConfig::bird_defaults());
  const auto& any = r.neighbor_ranges[1];
  EXPECT_EQ(any.range, pfx("10.2.0.0/16"));
  EXPECT_EQ(any.peer_as, std::nullopt);  // any AS
  EXPECT_FALSE(any.templ.rr_client);
  EXPECT_EQ(any.templ.rr_cluster_id, std::nullopt);
  EXPECT_EQ(any.templ.allow_local_as, 2);
  EXPECT_EQ(any.templ.source_address, ip("10.1.1.1"));  // no subnet holds it: the first IPv4 address
}

// ---- timers -------------------------------------------------------------------------------------

TEST(DeriveSpeakers, WithoutBgpTimersEveryNeighbourHasBirdsDefaults) {
  auto s = derive_speakers(load(doc_world()));
  const auto& t = neighbor(speaker(s, "Node1"), "Mesh_172_17_42_21").timers;
  EXPECT_EQ(t.connect_delay, 5'000);
  EXPECT_EQ(t.connect_retry, 120'000);
  EXPECT_EQ(t.error_wait_min, 60'000);
  EXPECT_EQ(t.error_wait_max, 300'000);
  EXPECT_EQ(t.hold, 240'000);
  EXPECT_FALSE(t.graceful_restart);
}

TEST(DeriveSpeakers, TheCalicoTimerProfileAppliesToEveryNeighbourOfNodesAndRouters) {
  auto s = derive_speakers(load(doc_world() + tor() + timers({"profile: calico"})));
  std::size_t seen = 0;
  for (const auto& sp : s) {
    for (const auto& n : sp.neighbors) {
      ++seen;
      EXPECT_EQ(n.timers.connect_delay, 2'000) << sp.name << " " << n.protocol_name;
      EXPECT_EQ(n.timers.connect_retry, 5'000) << sp.name << " " << n.protocol_name;
      EXPECT_EQ(n.timers.error_wait_min, 5'000) << sp.name << " " << n.protocol_name;
      EXPECT_EQ(n.timers.error_wait_max, 30'000) << sp.name << " " << n.protocol_name;
      EXPECT_EQ(n.timers.hold, 240'000) << sp.name << " " << n.protocol_name;
      EXPECT_EQ(n.timers.keepalive, 0) << sp.name << " " << n.protocol_name;
      EXPECT_TRUE(n.timers.graceful_restart) << sp.name << " " << n.protocol_name;
    }
    for (const auto& r : sp.neighbor_ranges) EXPECT_EQ(r.templ.timers, TimerConfig::calico_v3()) << sp.name;
  }
  EXPECT_EQ(seen, 4U + 3U + 3U);  // Node1, Node2, tor1
}

TEST(DeriveSpeakers, TimerOverridesApplyOnTopOfTheProfile) {
  auto s = derive_speakers(load(doc_world() + timers({"profile: calico", "holdTime: 9s", "keepaliveTime: 3s",
                                                      "connectDelayTime: 500ms", "gracefulRestart: false"})));
  TimerConfig expected = TimerConfig::calico_v3();
  expected.hold = 9'000;
  expected.keepalive = 3'000;
  expected.connect_delay = 500;
  expected.graceful_restart = false;
  for (const auto& sp : s)
    for (const auto& n : sp.neighbors) {
      EXPECT_EQ(n.timers, expected) << sp.name << " " << n.protocol_name;
      EXPECT_EQ(n.timers.startup_hold, 240'000) << sp.name << " " << n.protocol_name;
      EXPECT_EQ(n.timers.connect_retry, 5'000) << sp.name << " " << n.protocol_name;
    }
}

}  // namespace
}  // namespace peerlab
