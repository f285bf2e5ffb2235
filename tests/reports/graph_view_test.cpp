// The graph views behind `peerlab render`: what is drawn (vertices, shapes, clusters, edges, styles,
// colours) for small simulated designs (tests/sim/topologies, examples/), aggregation past the size
// threshold, and determinism. Nothing here touches Graphviz.
#include "reports/graph_view.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

namespace peerlab::reports {
namespace {

constexpr const char* kGreen = "#2e7d32";
constexpr const char* kAmber = "#e08a00";
constexpr const char* kRed = "#c62828";

Topology load_text(const std::string& text) {
  auto parsed = parse_resources(text, "test.yaml");
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, parsed.resources, d);
  validate(t, ValidationMode::Strict, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

Topology load_file(const std::string& relative) {
  std::ifstream in(std::string(PEERLAB_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in) << relative;
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_text(ss.str());
}

// A design simulated to convergence (or to `at`); the topology outlives the network.
struct Simulated {
  explicit Simulated(Topology topo, std::optional<sim::Time> at = std::nullopt)
      : t(std::move(topo)), net(std::make_unique<sim::Network>(t, derive_speakers(t))) {
    if (at)
      net->run_until(*at);
    else
      EXPECT_EQ(net->run().outcome, sim::Outcome::Converged);
  }
  GraphView view(ViewOptions o = {}) const { return sessions_view(t, *net, o); }
  std::size_t session_ends() const {
    std::size_t n = 0;
    for (sim::SpeakerId i = 0; i < net->speaker_count(); ++i) n += net->sessions(i).size();
    return n;
  }
  Topology t;
  std::unique_ptr<sim::Network> net;
};

const GvNode& node(const GraphView& v, const std::string& id) {
  static const GvNode none;
  const GvNode* n = v.find_node(id);
  EXPECT_NE(n, nullptr) << "no vertex " << id;
  return n ? *n : none;
}

std::vector<GvEdge> edges_between(const GraphView& v, const std::string& a, const std::string& b) {
  std::vector<GvEdge> out;
  for (const auto& e : v.edges)
    if ((e.from == a && e.to == b) || (e.from == b && e.to == a)) out.push_back(e);
  return out;
}

bool has_cluster(const GraphView& v, const std::string& id) {
  return std::any_of(v.clusters.begin(), v.clusters.end(), [&](const GvCluster& c) { return c.id == id; });
}

// Every field of a view, for comparing two views.
std::string dump(const GraphView& v) {
  std::ostringstream o;
  o << v.title << "|" << v.aggregated << "|" << v.layout << "|" << v.rankdir << "\n";
  for (const auto& e : v.legend)
    o << "L " << e.group << "|" << e.text << "|" << e.shape << "|" << e.fill << "|" << e.color << "\n";
  for (const auto& c : v.clusters)
    o << "C " << c.id << "|" << c.label << "|" << c.kind << "|" << c.parent << "\n";
  for (const auto& n : v.nodes)
    o << "N " << n.id << "|" << n.label << "|" << n.kind << "|" << n.shape << "|" << n.fill << "|" << n.style
      << "|" << n.peripheries << "|" << n.cluster << "|" << n.tooltip << "\n";
  for (const auto& e : v.edges)
    o << "E " << e.from << "|" << e.to << "|" << e.label << "|" << e.kind << "|" << e.state << "|" << e.color
      << "|" << e.style << "|" << e.penwidth << "|" << e.dir << "|" << e.one_sided << "|" << e.sessions << "|"
      << e.tooltip << "\n";
  return o.str();
}

// A flat cluster of `n` nodes on one subnet with the mesh on.
std::string mesh_yaml(int n) {
  std::string y = "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.244.0.0/16\n";
  for (int i = 0; i < n; ++i)
    y += "---\napiVersion: v1\nkind: node\nmetadata:\n  name: n" + std::to_string(100 + i) +
         "\nspec:\n  bgp:\n    ipv4Address: 10.0.0." + std::to_string(10 + i) + "/24\n";
  return y;
}

TEST(GraphView, AMeshOfFiveIsFiveEllipsesAndTenGreenMeshEdgesInACircle) {
  Simulated s(load_file("tests/sim/topologies/mesh5.yaml"));
  auto v = s.view();
  EXPECT_FALSE(v.aggregated);
  ASSERT_EQ(v.nodes.size(), 5u);
  for (const auto& n : v.nodes) {
    EXPECT_EQ(n.kind, "calico-node");
    EXPECT_EQ(n.shape, "ellipse");
    EXPECT_EQ(n.fill, as_palette()[0]);
    EXPECT_TRUE(n.cluster.empty()) << "one implicit subnet: no frame";
  }
  EXPECT_TRUE(v.clusters.empty());
  // The two ends of each session are one edge.
  ASSERT_EQ(v.edges.size(), s.session_ends() / 2);
  ASSERT_EQ(v.edges.size(), 10u);
  for (const auto& e : v.edges) {
    EXPECT_EQ(e.kind, "node-to-node mesh");
    EXPECT_EQ(e.state, "established");
    EXPECT_EQ(e.color, kGreen);
    EXPECT_EQ(e.style, "solid");
    EXPECT_EQ(e.dir, "none");
    EXPECT_FALSE(e.one_sided);
    EXPECT_TRUE(e.label.empty());
  }
  EXPECT_EQ(edges_between(v, "n1", "n5").size(), 1u);
  EXPECT_EQ(v.layout, "circo");
  EXPECT_NE(v.title.find("5 Calico nodes, 0 routers, 10 sessions (10 Established), 4.0 sessions per speaker"),
            std::string::npos)
      << v.title;
}

TEST(GraphView, ADualStackMeshHasOneEdgePerFamily) {
  Simulated s(load_file("examples/doc-cluster.yaml"));
  auto v = s.view({"doc-cluster.yaml", "after convergence", 60});
  ASSERT_EQ(v.nodes.size(), 2u);
  auto mesh = edges_between(v, "Node1", "Node2");
  ASSERT_EQ(mesh.size(), 2u);
  EXPECT_EQ(mesh[0].label, "IPv4");
  EXPECT_EQ(mesh[1].label, "IPv6");
  EXPECT_EQ(v.layout, "dot");  // two nodes: no circle
  EXPECT_EQ(v.title.substr(0, v.title.find('\n')), "doc-cluster.yaml: BGP sessions");
  EXPECT_NE(v.title.find("\nafter convergence"), std::string::npos);
}

TEST(GraphView, AFabricHasShapesPerRoleColoursPerAsAndAClusterPerRackAndSegment) {
  Simulated s(load_file("tests/sim/topologies/as-per-rack.yaml"));
  auto v = s.view();
  EXPECT_EQ(v.nodes.size(), 9u);  // spine, 2 ToRs, 6 nodes
  EXPECT_EQ(node(v, "spine").kind, "router");
  EXPECT_EQ(node(v, "spine").shape, "box");
  EXPECT_EQ(node(v, "spine").peripheries, 1);
  EXPECT_EQ(node(v, "tor1").shape, "box");
  EXPECT_EQ(node(v, "tor1").peripheries, 2) << "a ToR that reflects routes has a double outline";
  EXPECT_NE(node(v, "tor1").label.find("tor (reflects), AS 65001"), std::string::npos);
  EXPECT_EQ(node(v, "n11").shape, "ellipse");
  // ASes sorted: 65000, 65001, 65002.
  EXPECT_EQ(node(v, "spine").fill, as_palette()[0]);
  EXPECT_EQ(node(v, "tor1").fill, as_palette()[1]);
  EXPECT_EQ(node(v, "n13").fill, as_palette()[1]);
  EXPECT_EQ(node(v, "n21").fill, as_palette()[2]);
  // Racks (a router's rack, the same name as its segment) and segments are clusters.
  ASSERT_EQ(v.clusters.size(), 3u);
  EXPECT_TRUE(has_cluster(v, "cluster_spine-net"));
  EXPECT_TRUE(has_cluster(v, "cluster_rack1"));
  EXPECT_TRUE(has_cluster(v, "cluster_rack2"));
  EXPECT_EQ(node(v, "spine").cluster, "cluster_spine-net");
  EXPECT_EQ(node(v, "tor1").cluster, "cluster_rack1");
  EXPECT_EQ(node(v, "n12").cluster, "cluster_rack1");
  EXPECT_EQ(node(v, "n23").cluster, "cluster_rack2");
  // One edge per session: spine-ToR eBGP (double line), ToR-node node specific.
  ASSERT_EQ(v.edges.size(), s.session_ends() / 2);
  ASSERT_EQ(v.edges.size(), 8u);
  auto up = edges_between(v, "spine", "tor1");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].from, "spine") << "edges point down the tiers";
  EXPECT_EQ(up[0].kind, "fabric");
  EXPECT_EQ(up[0].color, std::string(kGreen) + ":invis:" + kGreen);
  auto down = edges_between(v, "tor1", "n11");
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].from, "tor1");
  EXPECT_EQ(down[0].kind, "node specific");
  EXPECT_EQ(down[0].color, kGreen);
  EXPECT_GT(down[0].penwidth, 1.2);
  EXPECT_TRUE(v.legend_mentions("eBGP"));
  EXPECT_TRUE(v.legend_mentions("AS 65002"));
  EXPECT_FALSE(v.legend_mentions("aggregated"));
}

TEST(GraphView, InClusterReflectorsAreHexagons) {
  Simulated s(load_file("examples/v3-route-reflectors.yaml"));
  auto v = s.view();
  EXPECT_EQ(node(v, "rr-1").kind, "reflector");
  EXPECT_EQ(node(v, "rr-1").shape, "hexagon");
  EXPECT_EQ(node(v, "node-1").shape, "ellipse");
  EXPECT_EQ(v.edges.size(), 9u);  // 4 clients x 2 reflectors + the reflectors' own session
  for (const auto& e : v.edges) EXPECT_EQ(e.kind, "node specific");
  auto e = edges_between(v, "rr-2", "node-3");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].from, "rr-2") << "reflectors above their clients";
  EXPECT_TRUE(v.legend_mentions("route reflector"));
}

TEST(GraphView, OneSidedSessionsAreDashedArrowsToThePeerOrToTheUnownedAddress) {
  Simulated s(load_file("tests/sim/topologies/one-sided.yaml"));
  auto v = s.view();
  ASSERT_EQ(v.edges.size(), 2u);
  ASSERT_EQ(v.nodes.size(), 3u);
  const GvNode& nobody = node(v, "addr 10.0.0.43");
  EXPECT_EQ(nobody.kind, "address");
  EXPECT_EQ(nobody.shape, "plaintext");
  EXPECT_NE(nobody.label.find("10.0.0.43"), std::string::npos);
  auto to_n2 = edges_between(v, "n1", "n2");
  ASSERT_EQ(to_n2.size(), 1u);
  EXPECT_TRUE(to_n2[0].one_sided);
  EXPECT_EQ(to_n2[0].style, "dashed");
  EXPECT_EQ(to_n2[0].from, "n1");
  EXPECT_EQ(to_n2[0].dir, "forward");
  EXPECT_EQ(to_n2[0].state, "connecting");  // n1 sits in Active: n2 accepts and closes
  EXPECT_EQ(to_n2[0].color, kAmber);
  EXPECT_EQ(to_n2[0].label, "one-sided: Active Socket: Connection refused");
  auto to_nobody = edges_between(v, "n1", "addr 10.0.0.43");
  ASSERT_EQ(to_nobody.size(), 1u);
  EXPECT_TRUE(to_nobody[0].one_sided);
  EXPECT_EQ(to_nobody[0].style, "dashed");
  EXPECT_EQ(to_nobody[0].state, "connecting");  // Connect: no answer
  EXPECT_EQ(to_nobody[0].color, kAmber);
  EXPECT_NE(v.title.find("2 sessions (0 Established, 2 one-sided)"), std::string::npos) << v.title;
  EXPECT_TRUE(v.legend_mentions("one-sided"));
  EXPECT_TRUE(v.legend_mentions("address nobody owns"));
}

TEST(GraphView, AnAsMismatchIsOneRedEdgeSayingWhy) {
  Simulated s(load_file("tests/sim/topologies/as-mismatch.yaml"), 3 * sim::kSecond);
  auto v = s.view();
  ASSERT_EQ(v.edges.size(), 1u) << "both ends are configured: one edge";
  const auto& e = v.edges[0];
  EXPECT_FALSE(e.one_sided);
  EXPECT_EQ(e.style, "solid");
  EXPECT_EQ(e.state, "down");
  EXPECT_EQ(e.color, kRed);
  EXPECT_NE(e.label.find("Bad peer AS"), std::string::npos) << e.label;
  EXPECT_NE(e.tooltip.find("n1 Node_10_0_0_52"), std::string::npos) << e.tooltip;
  EXPECT_NE(e.tooltip.find("n2 Node_10_0_0_51"), std::string::npos) << e.tooltip;
}

TEST(GraphView, BeforeTheFirstConnectNothingIsEstablished) {
  Simulated s(load_file("tests/sim/topologies/mesh5.yaml"), sim::kSecond);
  auto v = s.view();
  ASSERT_EQ(v.edges.size(), 10u);
  for (const auto& e : v.edges) {
    EXPECT_NE(e.state, "established");
    EXPECT_NE(e.color, kGreen);
  }
}

TEST(GraphView, PastTheThresholdRacksAreBoxesAndSessionsAreCounted) {
  Simulated s(load_file("tests/sim/topologies/as-per-rack.yaml"));
  ViewOptions o;
  o.aggregate_above = 8;  // 9 speakers
  auto v = s.view(o);
  ASSERT_TRUE(v.aggregated);
  EXPECT_TRUE(v.legend_mentions("aggregated: 9 speakers (more than 8)"));
  // Routers stay; the nodes of each rack are one box inside the rack's cluster.
  EXPECT_EQ(v.nodes.size(), 5u);
  const GvNode& rack1 = node(v, "group rack1");
  EXPECT_EQ(rack1.kind, "group");
  EXPECT_EQ(rack1.cluster, "cluster_rack1");
  EXPECT_EQ(rack1.label, "3 Calico nodes\nAS 65001");
  EXPECT_EQ(rack1.fill, as_palette()[1]);
  EXPECT_EQ(v.find_node("n11"), nullptr);
  auto e = edges_between(v, "tor1", "group rack1");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].sessions, 3u);
  EXPECT_EQ(e[0].label, "3 sessions");
  EXPECT_EQ(e[0].color, kGreen);
  EXPECT_EQ(v.edges.size(), 4u);  // spine-tor1, spine-tor2, tor1-rack1, tor2-rack2
  // At the threshold itself nothing is aggregated.
  o.aggregate_above = 9;
  EXPECT_FALSE(s.view(o).aggregated);
}

TEST(GraphView, ABigMeshIsOneBoxWithTheMeshAsOneLabelledBundle) {
  Simulated s(load_text(mesh_yaml(61)));
  auto v = s.view();  // threshold 60
  ASSERT_TRUE(v.aggregated);
  ASSERT_EQ(v.nodes.size(), 1u);
  EXPECT_EQ(v.nodes[0].kind, "group");
  EXPECT_EQ(v.nodes[0].label, "subnet 10.0.0.0/24\n61 Calico nodes\nAS 64511");
  ASSERT_EQ(v.edges.size(), 1u);
  const auto& bundle = v.edges[0];
  EXPECT_EQ(bundle.from, bundle.to);
  EXPECT_EQ(bundle.kind, "node-to-node mesh");
  EXPECT_EQ(bundle.label, "mesh: 61 nodes, 1830 sessions");  // 61 x 60 / 2
  EXPECT_EQ(bundle.sessions, 1830u);
  EXPECT_EQ(bundle.color, kGreen);
  EXPECT_TRUE(v.legend_mentions("aggregated: 61 speakers (more than 60)"));
  EXPECT_NE(
      v.title.find("61 Calico nodes, 0 routers, 1830 sessions (1830 Established), 60.0 sessions per speaker"),
      std::string::npos)
      << v.title;
  // Drawn one by one on request, it gets a force-directed layout.
  ViewOptions o;
  o.aggregate_above = 100;
  auto full = s.view(o);
  EXPECT_FALSE(full.aggregated);
  EXPECT_EQ(full.nodes.size(), 61u);
  EXPECT_EQ(full.edges.size(), 1830u);
  EXPECT_EQ(full.layout, "sfdp");
}

TEST(GraphView, AMeshAcrossSeveralBoxesMeetsInAHub) {
  // Two segments of 3 nodes and a route-reflector node: aggregated, the mesh joins 3 vertices.
  std::string y =
      "apiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: a\nspec:\n  cidr: 10.1.0.0/24\n"
      "---\napiVersion: peerlab/v1\nkind: Segment\nmetadata:\n  name: b\nspec:\n  cidr: 10.2.0.0/24\n"
      "---\napiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: gw\nspec:\n  asNumber: 64511\n"
      "  addresses: [10.1.0.1/24, 10.2.0.1/24]\n"
      "---\napiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: rr\nspec:\n  bgp:\n"
      "    ipv4Address: 10.1.0.5/24\n    routeReflectorClusterID: 224.0.0.1\n";
  for (int seg = 1; seg <= 2; ++seg)
    for (int i = 0; i < 3; ++i)
      y += "---\napiVersion: v1\nkind: node\nmetadata:\n  name: s" + std::to_string(seg) + "n" +
           std::to_string(i) + "\nspec:\n  bgp:\n    ipv4Address: 10." + std::to_string(seg) + ".0." +
           std::to_string(10 + i) + "/24\n";
  Simulated s(load_text(y));
  ViewOptions o;
  o.aggregate_above = 2;
  auto v = s.view(o);
  ASSERT_TRUE(v.aggregated);
  const GvNode& hub = node(v, "mesh");
  EXPECT_EQ(hub.kind, "mesh");
  EXPECT_NE(hub.label.find("7 nodes"), std::string::npos) << hub.label;
  EXPECT_NE(hub.label.find("21 sessions"), std::string::npos) << hub.label;
  EXPECT_EQ(node(v, "rr").kind, "reflector") << "reflectors stay individual";
  EXPECT_EQ(edges_between(v, "group a", "mesh").size(), 1u);
  EXPECT_EQ(edges_between(v, "group b", "mesh").size(), 1u);
  EXPECT_EQ(edges_between(v, "rr", "mesh").size(), 1u);
  EXPECT_EQ(edges_between(v, "group b", "mesh")[0].label, "3 nodes");
}

TEST(GraphView, TheSameDesignGivesTheSameView) {
  auto once = [] {
    Simulated s(load_file("examples/fabric-two-racks.yaml"));
    return dump(s.view({"fabric", "now", 60}));
  };
  EXPECT_EQ(once(), once());
  auto aggregated = [] {
    Simulated s(load_file("tests/sim/topologies/rr2-mesh-off.yaml"));
    return dump(s.view({"rr", "", 3}));
  };
  EXPECT_EQ(aggregated(), aggregated());
}

TEST(GraphView, TheUnderlayShowsSegmentsHostsAttachmentsAndLinks) {
  auto t = load_file("examples/fabric-two-racks.yaml");
  auto v = underlay_view(t);
  EXPECT_FALSE(v.aggregated);
  // 3 segments + 3 routers + 4 nodes; one attachment per address.
  EXPECT_EQ(v.nodes.size(), 10u);
  EXPECT_EQ(node(v, "segment rack-1").kind, "segment");
  EXPECT_EQ(node(v, "segment rack-1").label, "rack-1  10.1.1.0/24\n50us");
  EXPECT_EQ(v.edges.size(), 9u);
  auto e = edges_between(v, "tor-1", "segment fabric");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].label, "10.0.0.11");
  EXPECT_EQ(e[0].from, "segment fabric") << "the spine is above the fabric segment, the ToRs below it";
  EXPECT_EQ(edges_between(v, "spine-1", "segment fabric")[0].from, "spine-1");
  // Single-homed hosts sit in their segment's cluster; the ToRs (two segments) do not.
  EXPECT_EQ(node(v, "node-1a").cluster, "cluster_rack-1");
  EXPECT_EQ(node(v, "tor-1").cluster, "");
  EXPECT_TRUE(has_cluster(v, "cluster_rack-1"));
  EXPECT_NE(v.title.find("4 Calico nodes, 3 routers, 3 L2 segments, 0 links"), std::string::npos) << v.title;
}

TEST(GraphView, TheUnderlayOfPlainCalicoResourcesHasImplicitSubnetsAndLinksAreEdges) {
  auto v = underlay_view(load_file("examples/doc-cluster.yaml"));
  EXPECT_EQ(node(v, "segment subnet 172.17.42.0/24").kind, "segment");
  EXPECT_EQ(node(v, "segment subnet aa:bb::/64").kind, "segment");
  EXPECT_EQ(v.edges.size(), 4u);  // two nodes, two addresses each

  auto t = load_text(
      "apiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r1\nspec:\n  asNumber: 65000\n"
      "  addresses: [10.9.0.1/30]\n"
      "---\napiVersion: peerlab/v1\nkind: Router\nmetadata:\n  name: r2\nspec:\n  asNumber: 65000\n"
      "  addresses: [10.9.0.2/30]\n"
      "---\napiVersion: peerlab/v1\nkind: Link\nmetadata:\n  name: l1\nspec:\n  a: r1\n  b: r2\n  latency: "
      "2ms\n");
  auto u = underlay_view(t);
  bool link = false;
  for (const auto& e : u.edges)
    if (e.kind == "link") {
      link = true;
      EXPECT_EQ(e.label, "l1\n2ms");
    }
  EXPECT_TRUE(link);
}

TEST(GraphView, ABigUnderlayIsAggregatedPerSegment) {
  auto v = underlay_view(load_text(mesh_yaml(61)));
  ASSERT_TRUE(v.aggregated);
  ASSERT_EQ(v.nodes.size(), 2u);  // the subnet and its box
  EXPECT_EQ(node(v, "group subnet 10.0.0.0/24").label, "61 Calico nodes\nAS 64511");
  ASSERT_EQ(v.edges.size(), 1u);
  EXPECT_EQ(v.edges[0].label, "61 nodes");
  EXPECT_TRUE(v.legend_mentions("aggregated: 61 hosts"));
}

}  // namespace
}  // namespace peerlab::reports
