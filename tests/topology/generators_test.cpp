// Tests of topology/generators.hpp. Small designs are compared with golden files
// (tests/golden/generators/<model>-<params>.yaml, checked by hand against docs/generators.md's
// addressing plan; PEERLAB_UPDATE_GOLDEN=1 rewrites them); every golden design also round-trips,
// validates in Strict mode and is deterministic. Large designs are checked by their counts and for
// collisions. Every refusal is checked with its exact message.
#include "topology/generators.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_set>

#include "topology/validate.hpp"

namespace peerlab {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::vector<Resource> gen(const std::string& model, const Params& params) {
  Diagnostics d;
  auto out = generate(model, params, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return out;
}

// Every diagnostic of a refused request, formatted; and that nothing was generated.
std::string refusal(const std::string& model, const Params& params) {
  Diagnostics d;
  auto out = generate(model, params, d);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(d.has_errors());
  return d.to_string();
}

Topology load(const std::vector<Resource>& resources, Diagnostics& d) {
  Topology t;
  add_resources(t, resources, d);
  return t;
}

template <class T>
std::size_t count_of(const std::vector<Resource>& rs) {
  return static_cast<std::size_t>(
      std::count_if(rs.begin(), rs.end(), [](const Resource& r) { return std::holds_alternative<T>(r); }));
}

template <class T>
std::vector<T> all_of(const std::vector<Resource>& rs) {
  std::vector<T> out;
  for (const auto& r : rs)
    if (auto* x = std::get_if<T>(&r)) out.push_back(*x);
  return out;
}

// ---- golden files ------------------------------------------------------------------------------------

struct Case {
  std::string model;
  Params params;

  std::string golden() const {
    std::string name = model;
    for (const auto& [k, v] : params) name += "-" + k + "-" + v;
    return name + ".yaml";
  }
};

std::string test_name(const Case& c) {
  std::string out;
  for (char ch : c.golden().substr(0, c.golden().size() - 5))
    out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return out;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"full-mesh", {{"nodes", "3"}}},
      {"full-mesh", {{"nodes", "5"}, {"segments", "2"}, {"ipv6", "true"}, {"asNumber", "64512"}}},
      {"route-reflectors", {}},
      {"route-reflectors", {{"clients", "6"}, {"reflectors", "4"}, {"clusters", "2"}}},
      {"route-reflectors", {{"clients", "3"}, {"reflectors", "1"}, {"peering", "global"}}},
      {"route-reflectors", {{"clients", "3"}, {"reflectorKind", "router"}, {"peering", "global"}}},
      {"route-reflectors",
       {{"clients", "4"}, {"clusters", "2"}, {"reflectorKind", "router"}, {"asNumber", "65010"}}},
      {"as-per-rack", {{"racks", "2"}, {"nodesPerRack", "2"}}},
      {"as-per-rack",
       {{"racks", "2"}, {"nodesPerRack", "2"}, {"torMode", "mesh"}, {"spineMode", "as-per-spine"}}},
      {"as-per-compute-server", {{"racks", "2"}, {"nodesPerRack", "2"}, {"spines", "1"}}},
      {"as-per-compute-server", {{"racks", "2"}, {"nodesPerRack", "2"}, {"torsPerRack", "2"}}},
  };
  return c;
}

class Golden : public ::testing::TestWithParam<Case> {};

TEST_P(Golden, MatchesTheFileWorkedOutByHand) {
  const Case& c = GetParam();
  const std::string text = save_resources(gen(c.model, c.params));
  const std::string path = std::string(PEERLAB_SOURCE_DIR) + "/tests/golden/generators/" + c.golden();
  const char* update = std::getenv("PEERLAB_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << text;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with PEERLAB_UPDATE_GOLDEN=1)";
  std::ostringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(text, ss.str()) << c.golden();
}

TEST_P(Golden, RoundTripsThroughTheParser) {
  const Case& c = GetParam();
  const std::string first = save_resources(gen(c.model, c.params));
  auto parsed = parse_resources(first, "gen.yaml");
  ASSERT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  EXPECT_EQ(save_resources(parsed.resources), first);
  // And the order is canonical: loading and saving the topology gives the same text (after the
  // first document, the cluster settings, which a topology always writes as a ClusterConfig).
  Diagnostics d;
  Topology t = load(parsed.resources, d);
  auto after_config = [](const std::string& s) { return s.substr(s.find("\n---\n")); };
  EXPECT_EQ(after_config(save_topology(t)), after_config(first));
}

TEST_P(Golden, ValidatesWithoutAFinding) {
  const Case& c = GetParam();
  Diagnostics d;
  Topology t = load(gen(c.model, c.params), d);
  validate(t, ValidationMode::Strict, d);
  EXPECT_TRUE(d.items().empty()) << d.to_string();
}

TEST_P(Golden, IsDeterministic) {
  const Case& c = GetParam();
  EXPECT_EQ(save_resources(gen(c.model, c.params)), save_resources(gen(c.model, c.params)));
}

INSTANTIATE_TEST_SUITE_P(Generators, Golden, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return test_name(i.param); });

// ---- what the small designs hold, worked out by hand -------------------------------------------------

TEST(Generators, FullMeshOfThreeNodes) {
  auto rs = gen("full-mesh", {{"nodes", "3"}});
  auto nodes = all_of<Node>(rs);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].name, "node-01");
  EXPECT_EQ(to_string(*nodes[0].ipv4_address), "10.0.0.1/16");
  EXPECT_EQ(to_string(*nodes[2].ipv4_address), "10.0.0.3/16");
  EXPECT_FALSE(nodes[0].as_number);
  auto cfg = all_of<ClusterConfigResource>(rs);
  ASSERT_EQ(cfg.size(), 1u);
  EXPECT_EQ(cfg[0].values.node_to_node_mesh, true);
  EXPECT_FALSE(cfg[0].values.as_number);
  auto pools = all_of<IpPool>(rs);
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(to_string(pools[0].cidr), "10.244.0.0/16");
  EXPECT_EQ(count_of<Router>(rs), 0u);
  EXPECT_EQ(count_of<BgpPeer>(rs), 0u);
}

TEST(Generators, FullMeshOnTwoSegmentsHasAGatewayAtTheLastAddressOfEach) {
  auto rs = gen("full-mesh", {{"nodes", "5"}, {"segments", "2"}, {"ipv6", "true"}});
  auto nodes = all_of<Node>(rs);
  ASSERT_EQ(nodes.size(), 5u);
  // 3 nodes on the first segment (10.0.0.0/17), 2 on the second (10.0.128.0/17).
  EXPECT_EQ(to_string(*nodes[2].ipv4_address), "10.0.0.3/17");
  EXPECT_EQ(to_string(*nodes[3].ipv4_address), "10.0.128.1/17");
  EXPECT_EQ(to_string(*nodes[3].ipv6_address), "fd00:10:0:1::1/64");
  auto routers = all_of<Router>(rs);
  ASSERT_EQ(routers.size(), 1u);
  EXPECT_EQ(routers[0].name, "gateway");
  EXPECT_TRUE(routers[0].neighbors.empty());
  ASSERT_EQ(routers[0].addresses.size(), 4u);
  EXPECT_EQ(to_string(routers[0].addresses[0]), "10.0.127.254/17");
  EXPECT_EQ(to_string(routers[0].addresses[2]), "10.0.255.254/17");
  EXPECT_EQ(to_string(routers[0].addresses[3]), "fd00:10:0:1::7ffe/64");
  EXPECT_EQ(count_of<IpPool>(rs), 2u);
}

TEST(Generators, RouteReflectorsSpreadClientsAndReflectorsOverClusters) {
  auto rs = gen("route-reflectors", {{"clients", "5"}, {"reflectors", "4"}, {"clusters", "2"}});
  std::map<std::string, Node> nodes;
  for (auto& n : all_of<Node>(rs)) nodes[n.name] = n;
  ASSERT_EQ(nodes.size(), 9u);
  EXPECT_EQ(format_cluster_id(*nodes["rr-01"].route_reflector_cluster_id), "224.0.0.1");
  EXPECT_EQ(format_cluster_id(*nodes["rr-02"].route_reflector_cluster_id), "224.0.0.1");
  EXPECT_EQ(format_cluster_id(*nodes["rr-03"].route_reflector_cluster_id), "224.0.0.2");
  EXPECT_EQ(to_string(*nodes["rr-01"].ipv4_address), "10.0.0.1/16");
  EXPECT_EQ(to_string(*nodes["node-01"].ipv4_address), "10.0.0.5/16");
  // Clients 1-3 in the first cluster, 4-5 in the second.
  EXPECT_EQ(nodes["node-03"].labels["rr-cluster"], "cluster-01");
  EXPECT_EQ(nodes["node-04"].labels["rr-cluster"], "cluster-02");
  auto peers = all_of<BgpPeer>(rs);
  ASSERT_EQ(peers.size(), 3u);
  EXPECT_EQ(peers[0].name, "cluster-01-to-reflectors");
  EXPECT_EQ(peers[0].peer_selector, "route-reflector == 'true' && rr-cluster == 'cluster-01'");
  EXPECT_EQ(peers[2].name, "reflector-mesh");
}

TEST(Generators, RouterReflectorsAcceptTheirClientsThroughARange) {
  auto rs =
      gen("route-reflectors", {{"clients", "1000"}, {"reflectorKind", "router"}, {"peering", "global"}});
  auto routers = all_of<Router>(rs);
  ASSERT_EQ(routers.size(), 2u);
  for (const auto& r : routers) {
    EXPECT_EQ(r.role, RouterRole::RouteReflector);
    EXPECT_EQ(r.as_number, kDefaultNodeAsNumber);
    ASSERT_EQ(r.neighbors.size(), 1u);  // the other reflector
    ASSERT_EQ(r.neighbor_ranges.size(), 1u);
    EXPECT_EQ(to_string(r.neighbor_ranges[0].range), "10.0.0.0/16");
    EXPECT_TRUE(r.neighbor_ranges[0].route_reflector_client);
  }
  auto peers = all_of<BgpPeer>(rs);
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].scope, PeerScope::Global);
  EXPECT_EQ(peers[0].flavor, ApiFlavor::V1);
  // The routers' AS is written as the cluster's default, so the nodes are in it too.
  EXPECT_EQ(all_of<ClusterConfigResource>(rs).at(0).values.as_number, kDefaultNodeAsNumber);
}

TEST(Generators, AsPerRackPutsEachRackInItsOwnAs) {
  auto rs = gen("as-per-rack", {{"racks", "3"}, {"nodesPerRack", "2"}, {"spines", "2"}});
  std::map<std::string, Router> routers;
  for (auto& r : all_of<Router>(rs)) routers[r.name] = r;
  ASSERT_EQ(routers.size(), 5u);
  const Router& tor = routers["rack-02-tor"];
  EXPECT_EQ(tor.as_number, 65002u);
  EXPECT_EQ(tor.role, RouterRole::Tor);
  EXPECT_EQ(tor.rack, "rack-02");
  // Rack address, then one /31 per spine: link index (rack 1) * 2 + spine.
  ASSERT_EQ(tor.addresses.size(), 3u);
  EXPECT_EQ(to_string(tor.addresses[0]), "10.0.1.1/24");
  EXPECT_EQ(to_string(tor.addresses[1]), "172.16.0.4/31");
  EXPECT_EQ(to_string(tor.addresses[2]), "172.16.0.6/31");
  EXPECT_EQ(format_cluster_id(*tor.route_reflector_cluster_id), "10.0.1.1");
  ASSERT_EQ(tor.neighbors.size(), 2u);
  EXPECT_EQ(to_string(tor.neighbors[1].address), "172.16.0.7");
  EXPECT_EQ(tor.neighbors[1].as_number, 65000u);
  ASSERT_EQ(tor.neighbor_ranges.size(), 1u);
  EXPECT_EQ(to_string(tor.neighbor_ranges[0].range), "10.0.1.0/24");
  EXPECT_EQ(tor.neighbor_ranges[0].as_number, 65002u);
  EXPECT_TRUE(tor.neighbor_ranges[0].route_reflector_client);
  EXPECT_EQ(routers["spine-02"].neighbors.size(), 3u);
  EXPECT_EQ(routers["spine-02"].as_number, 65000u);
  std::map<std::string, Node> nodes;
  for (auto& n : all_of<Node>(rs)) nodes[n.name] = n;
  EXPECT_EQ(to_string(*nodes["rack-02-node-02"].ipv4_address), "10.0.1.3/24");
  EXPECT_EQ(*nodes["rack-02-node-02"].as_number, 65002u);
  auto peers = all_of<BgpPeer>(rs);
  ASSERT_EQ(peers.size(), 6u);
  EXPECT_EQ(peers[3].node, "rack-02-node-02");
  EXPECT_EQ(to_string(*peers[3].peer_ip), "10.0.1.1");
  EXPECT_EQ(*peers[3].as_number, 65002u);
}

TEST(Generators, AsPerSpineCountsTheSpinesDownFromSpineAsNumber) {
  auto rs = gen("as-per-rack", {{"spines", "3"}, {"spineMode", "as-per-spine"}});
  std::map<std::string, Router> routers;
  for (auto& r : all_of<Router>(rs)) routers[r.name] = r;
  EXPECT_EQ(routers["spine-01"].as_number, 65000u);
  EXPECT_EQ(routers["spine-03"].as_number, 64998u);
  EXPECT_EQ(routers["rack-01-tor"].as_number, 65001u);
}

TEST(Generators, AsPerComputeServerGivesEveryNodeAndToRItsOwnAs) {
  auto rs = gen("as-per-compute-server", {{"racks", "2"}, {"nodesPerRack", "3"}, {"torsPerRack", "2"}});
  std::map<std::string, Router> routers;
  for (auto& r : all_of<Router>(rs)) routers[r.name] = r;
  EXPECT_EQ(routers["rack-01-tor-a"].as_number, 65001u);
  EXPECT_EQ(routers["rack-01-tor-b"].as_number, 65002u);
  EXPECT_EQ(routers["rack-02-tor-b"].as_number, 65004u);
  EXPECT_FALSE(routers["rack-01-tor-a"].neighbor_ranges.at(0).as_number);  // any AS
  EXPECT_FALSE(routers["rack-01-tor-a"].route_reflector_cluster_id);
  EXPECT_EQ(to_string(routers["rack-01-tor-b"].addresses[0]), "10.0.0.2/24");
  std::map<std::string, Node> nodes;
  for (auto& n : all_of<Node>(rs)) nodes[n.name] = n;
  EXPECT_EQ(*nodes["rack-01-node-01"].as_number, 64512u);
  EXPECT_EQ(*nodes["rack-02-node-03"].as_number, 64517u);
  EXPECT_EQ(to_string(*nodes["rack-01-node-01"].ipv4_address), "10.0.0.3/24");
  auto peers = all_of<BgpPeer>(rs);
  EXPECT_EQ(peers.size(), 12u);  // each node to each of its two ToRs
}

TEST(Generators, NodeAsNumbersSkipTheFabricAndContinueInTheFourByteRange) {
  auto rs = gen("as-per-compute-server", {{"racks", "10"}, {"nodesPerRack", "200"}});
  std::set<AsNumber> fabric;
  for (const auto& r : all_of<Router>(rs)) fabric.insert(r.as_number);
  EXPECT_EQ(fabric, (std::set<AsNumber>{65000, 65001, 65002, 65003, 65004, 65005, 65006, 65007, 65008, 65009,
                                        65010}));
  std::vector<AsNumber> asns;
  for (const auto& n : all_of<Node>(rs)) asns.push_back(*n.as_number);
  ASSERT_EQ(asns.size(), 2000u);
  // 64512-64999 (488), then 65011-65534 (524): 1012 two-byte ASNs; the rest from 4200000000.
  EXPECT_EQ(asns[0], 64512u);
  EXPECT_EQ(asns[487], 64999u);
  EXPECT_EQ(asns[488], 65011u);
  EXPECT_EQ(asns[1011], 65534u);
  EXPECT_EQ(asns[1012], 4200000000u);
  EXPECT_EQ(asns[1999], 4200000987u);
  std::set<AsNumber> unique(asns.begin(), asns.end());
  EXPECT_EQ(unique.size(), asns.size());
  for (auto a : fabric) EXPECT_FALSE(unique.count(a)) << a;
}

TEST(Generators, NamesAreZeroPaddedToTheWidthOfTheirCount) {
  auto rs = gen("full-mesh", {{"nodes", "1000"}});
  auto nodes = all_of<Node>(rs);
  EXPECT_EQ(nodes.front().name, "node-0001");
  EXPECT_EQ(nodes.back().name, "node-1000");
  EXPECT_TRUE(std::is_sorted(nodes.begin(), nodes.end(),
                             [](const Node& a, const Node& b) { return a.name < b.name; }));
  auto racks = all_of<Node>(gen("as-per-rack", {{"racks", "120"}, {"nodesPerRack", "9"}}));
  EXPECT_EQ(racks.front().name, "rack-001-node-01");
  EXPECT_EQ(racks.back().name, "rack-120-node-09");
}

// ---- the generator document ---------------------------------------------------------------------------

std::vector<Resource> expand_yaml(const std::string& text, Diagnostics& d) {
  std::vector<Resource> out;
  expand_generator_document(YAML::Load(text), "g.yaml", d, out);
  return out;
}

TEST(Generators, ADocumentExpandsLikeTheCommandLine) {
  Diagnostics d;
  auto rs = expand_yaml(
      "apiVersion: peerlab/v1\n"
      "kind: AsPerRack\n"
      "metadata:\n"
      "  name: two-racks\n"
      "spec:\n"
      "  racks: 2\n"
      "  nodesPerRack: 3\n"
      "  torMode: mesh\n",
      d);
  ASSERT_FALSE(d.has_errors()) << d.to_string();
  EXPECT_EQ(save_resources(rs),
            save_resources(gen("as-per-rack", {{"racks", "2"}, {"nodesPerRack", "3"}, {"torMode", "mesh"}})));
  // Every resource points at the generator document.
  for (const auto& r : rs) EXPECT_EQ(location(r), (SourceLoc{"g.yaml", 1, 1}));
}

TEST(Generators, KindsAreCaseInsensitiveAndSpecIsOptional) {
  EXPECT_TRUE(is_generator_kind("FullMesh"));
  EXPECT_TRUE(is_generator_kind("fullmesh"));
  EXPECT_TRUE(is_generator_kind("ASPERCOMPUTESERVER"));
  EXPECT_TRUE(is_generator_kind("routereflectors"));
  EXPECT_TRUE(is_generator_kind("AsPerRack"));
  EXPECT_FALSE(is_generator_kind("Router"));
  EXPECT_FALSE(is_generator_kind("full-mesh"));
  Diagnostics d;
  auto rs = expand_yaml("apiVersion: peerlab/v1\nkind: fullmesh\nmetadata: {name: m}\n", d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  EXPECT_EQ(count_of<Node>(rs), 5u);
}

TEST(Generators, DocumentErrorsArePositionedAndAllReported) {
  Diagnostics d;
  auto rs = expand_yaml(
      "apiVersion: peerlab/v1\n"
      "kind: FullMesh\n"
      "metadata:\n"
      "  nam: m\n"
      "spec:\n"
      "  nodez: 5\n"
      "  segments: 0\n"
      "  nodeCIDR: [10.0.0.0/16]\n"
      "  ipv6: yes\n"
      "  poolCIDR: 10.244.0.0/33\n",
      d);
  EXPECT_TRUE(rs.empty());
  EXPECT_EQ(
      d.to_string(),
      "g.yaml:4:3: error[E104]: unknown field 'nam' in FullMesh metadata\n"
      "  hint: did you mean 'name'?\n"
      "g.yaml:4:3: error[E103]: FullMesh metadata is missing required field 'name'\n"
      "  hint: e.g. name: my-design\n"
      "g.yaml:6:3: error[E104]: unknown field 'nodez' in FullMesh spec\n"
      "  hint: did you mean 'nodes'?\n"
      "g.yaml:7:13: error[E204]: invalid value '0' for 'segments'\n"
      "  hint: expected a whole number from 1 to 4096\n"
      "g.yaml:8:13: error[E105]: field 'nodeCIDR' of FullMesh spec must be a single value, found a list\n"
      "g.yaml:9:9: error[E105]: field 'ipv6' of FullMesh spec must be true or false, found 'yes'\n"
      "g.yaml:10:13: error[E202]: invalid CIDR '10.244.0.0/33' in 'poolCIDR'\n"
      "  hint: write an address and prefix length, like 10.0.0.0/16\n");
}

TEST(Generators, DocumentShapeErrors) {
  Diagnostics d;
  expand_yaml("apiVersion: peerlab/v1\nkind: AsPerRack\nspec: [1, 2]\n", d);
  EXPECT_EQ(d.to_string(),
            "g.yaml:1:1: error[E103]: AsPerRack is missing required field 'metadata'\n"
            "  hint: a generator names itself: metadata: {name: my-design}\n"
            "g.yaml:3:7: error[E102]: AsPerRack spec must be a mapping, found a list\n"
            "  hint: write the parameters as 'key: value' lines indented under spec\n");
}

TEST(Generators, AnOutOfRangeValueInADocumentNamesTheRange) {
  Diagnostics d;
  expand_yaml(
      "apiVersion: peerlab/v1\nkind: AsPerComputeServer\nmetadata: {name: x}\nspec:\n  torsPerRack: 3\n", d);
  EXPECT_EQ(d.to_string(),
            "g.yaml:5:16: error[E204]: invalid value '3' for 'torsPerRack'\n"
            "  hint: expected a whole number from 1 to 2\n");
}

TEST(Generators, TheExamplesExpandAndValidate) {
  for (const char* name : {"gen-full-mesh.yaml", "gen-route-reflectors.yaml", "gen-as-per-rack.yaml",
                           "gen-as-per-compute-server.yaml"}) {
    const std::string path = std::string(PEERLAB_SOURCE_DIR) + "/examples/" + name;
    std::vector<YAML::Node> docs = YAML::LoadAllFromFile(path);
    ASSERT_EQ(docs.size(), 1u) << name;
    Diagnostics d;
    std::vector<Resource> rs;
    expand_generator_document(docs[0], name, d, rs);
    EXPECT_FALSE(rs.empty()) << name;
    Topology t = load(rs, d);
    validate(t, ValidationMode::Strict, d);
    EXPECT_TRUE(d.items().empty()) << name << "\n" << d.to_string();
  }
}

// ---- refusals on the command line ---------------------------------------------------------------------

TEST(Generators, UnknownParameterWithDidYouMean) {
  EXPECT_EQ(refusal("full-mesh", {{"nodez", "5"}}),
            "--nodez: error[E104]: unknown parameter 'nodez' of full-mesh\n"
            "  hint: did you mean 'nodes'?\n");
  EXPECT_EQ(
      refusal("as-per-rack", {{"colour", "blue"}}),
      "--colour: error[E104]: unknown parameter 'colour' of as-per-rack\n"
      "  hint: parameters of as-per-rack: racks, nodesPerRack, spines, torMode, spineMode, spineAsNumber, "
      "rackAsNumber, nodeCIDR, fabricCIDR, poolCIDR\n");
}

TEST(Generators, KebabCaseParameterNamesAreAcceptedOnTheCommandLine) {
  auto rs = gen("as-per-rack", {{"nodes-per-rack", "4"}, {"spine-as-number", "64900"}});
  EXPECT_EQ(count_of<Node>(rs), 8u);
  EXPECT_EQ(all_of<Router>(rs).back().as_number, 64900u);
  EXPECT_EQ(refusal("as-per-rack", {{"nodes-per-rack", "4"}, {"nodesPerRack", "5"}}),
            "--nodesPerRack: error[E204]: parameter 'nodesPerRack' is given twice\n"
            "  hint: give each parameter once (an --option or a --set, not both)\n");
}

TEST(Generators, OutOfRangeValues) {
  EXPECT_EQ(refusal("full-mesh", {{"nodes", "300000"}}),
            "--nodes: error[E204]: invalid value '300000' for 'nodes'\n"
            "  hint: expected a whole number from 1 to 200000\n");
  EXPECT_EQ(refusal("full-mesh", {{"nodes", "ten"}}),
            "--nodes: error[E204]: invalid value 'ten' for 'nodes'\n"
            "  hint: expected a whole number from 1 to 200000\n");
  EXPECT_EQ(refusal("as-per-rack", {{"torMode", "ring"}}),
            "--torMode: error[E204]: invalid value 'ring' for 'torMode'\n"
            "  hint: use one of: reflector, mesh\n");
  EXPECT_EQ(refusal("full-mesh", {{"ipv6", "yes"}}),
            "--ipv6: error[E105]: parameter 'ipv6' of full-mesh must be true or false, found 'yes'\n");
  EXPECT_EQ(
      refusal("full-mesh", {{"asNumber", "4294967295"}}),
      "--asNumber: error[E203]: invalid AS number '4294967295' for 'asNumber'\n"
      "  hint: an AS number is a whole number from 1 to 4294967294 (or asdot 'a.b'); private ranges are "
      "64512-65534 and 4200000000-4294967294\n");
  EXPECT_EQ(refusal("full-mesh", {{"nodeCIDR", "fd00::/64"}}),
            "--nodeCIDR: error[E202]: 'nodeCIDR' must be an IPv4 range, found 'fd00::/64'\n"
            "  hint: e.g. 10.0.0.0/16\n");
  EXPECT_EQ(refusal("full-mesh", {{"nodeCIDR", "10.0.0.5/16"}}),
            "--nodeCIDR: error[E202]: 'nodeCIDR' 10.0.0.5/16 has host bits set\n"
            "  hint: did you mean 10.0.0.0/16?\n");
}

TEST(Generators, TooManyNodesIsRefusedBeforeAnyWork) {
  // (Refused before any work: generating ten million nodes would run into the ctest timeout.)
  EXPECT_EQ(
      refusal("as-per-rack", {{"racks", "10000"}, {"nodesPerRack", "1000"}}),
      "generate as-per-rack: error[E204]: too many nodes: 10000 racks of 1000 nodes make 10000000 nodes; a "
      "generator makes at most 200000\n"
      "  hint: use a smaller design; the simulator's cost grows with the number of sessions\n");
  EXPECT_EQ(
      refusal("route-reflectors", {{"clients", "200000"}, {"reflectors", "3"}}),
      "generate route-reflectors: error[E204]: too many nodes: 200000 clients and 3 reflector nodes make "
      "200003 nodes; a generator makes at most 200000\n"
      "  hint: use a smaller design; the simulator's cost grows with the number of sessions\n");
}

TEST(Generators, AddressSpaceExhaustedSaysWhatIsNeededAndWhatTheRangeHolds) {
  EXPECT_EQ(refusal("full-mesh", {{"nodes", "300"}, {"nodeCIDR", "10.0.0.0/24"}}),
            "--nodeCIDR: error[E204]: address space exhausted: 300 nodes need 300 addresses, but nodeCIDR "
            "10.0.0.0/24 holds 254\n"
            "  hint: use a /23 or larger nodeCIDR (or fewer nodes)\n");
  // 62 nodes and a gateway need 63 addresses; a /26 holds 62.
  EXPECT_EQ(
      refusal("full-mesh", {{"nodes", "248"}, {"segments", "4"}, {"nodeCIDR", "10.0.0.0/24"}}),
      "--nodeCIDR: error[E204]: address space exhausted: 4 segments of up to 62 nodes and a gateway need 4 "
      "subnets of 63 addresses, but nodeCIDR 10.0.0.0/24 holds 4 subnets of 62\n"
      "  hint: use a /23 or larger nodeCIDR (or fewer nodes)\n");
  // One node fewer fits: 61 nodes and the gateway in each /26.
  EXPECT_EQ(
      count_of<Node>(gen("full-mesh", {{"nodes", "244"}, {"segments", "4"}, {"nodeCIDR", "10.0.0.0/24"}})),
      244u);
  EXPECT_EQ(
      refusal("full-mesh", {{"nodes", "1"}, {"nodeCIDR", "10.0.0.7/32"}}),
      "--nodeCIDR: error[E204]: address space exhausted: 1 node needs 1 address, but nodeCIDR 10.0.0.7/32 "
      "holds 0\n"
      "  hint: use a /30 or larger nodeCIDR (or fewer nodes)\n");
  EXPECT_EQ(
      refusal("full-mesh", {{"nodes", "2"}, {"segments", "2"}, {"nodeCIDR", "10.0.0.0/30"}}),
      "--nodeCIDR: error[E204]: address space exhausted: 2 segments of up to 1 node and a gateway need 2 "
      "subnets of 2 addresses, but nodeCIDR 10.0.0.0/30 holds 2 subnets of 0\n"
      "  hint: use a /29 or larger nodeCIDR (or fewer nodes)\n");
  EXPECT_EQ(
      refusal("full-mesh", {{"nodes", "2000"}, {"poolCIDR", "10.244.0.0/16"}}),
      "--poolCIDR: error[E204]: address space exhausted: 2000 nodes need 2000 /26 blocks (128000 addresses), "
      "but poolCIDR 10.244.0.0/16 holds 1024 blocks (65536 addresses)\n"
      "  hint: use a /15 or larger poolCIDR (or fewer nodes)\n");
  EXPECT_EQ(
      refusal("full-mesh", {{"nodes", "150000"}}),
      "generate full-mesh: error[E204]: address space exhausted: 150000 nodes need 150000 /26 blocks "
      "(9600000 addresses), but the default poolCIDR grows only to 10.128.0.0/9, which holds 131072 blocks "
      "(8388608 addresses)\n"
      "  hint: set poolCIDR to a /8 or larger range that does not overlap the other ranges (or fewer "
      "nodes)\n");
  EXPECT_EQ(refusal("as-per-rack", {{"racks", "300"}, {"nodeCIDR", "10.0.0.0/16"}}),
            "--nodeCIDR: error[E204]: address space exhausted: 300 racks need 300 /24 subnets, but nodeCIDR "
            "10.0.0.0/16 holds 256\n"
            "  hint: use a /15 or larger nodeCIDR (or fewer racks)\n");
  EXPECT_EQ(refusal("as-per-rack", {{"racks", "20"}, {"spines", "4"}, {"fabricCIDR", "172.16.0.0/26"}}),
            "--fabricCIDR: error[E204]: address space exhausted: 80 ToR-spine links need 80 /31 subnets, but "
            "fabricCIDR 172.16.0.0/26 holds 32\n"
            "  hint: use a /24 or larger fabricCIDR (or fewer racks or spines)\n");
}

TEST(Generators, DefaultRangesGrowWhenTooSmall) {
  auto rs = gen("full-mesh", {{"nodes", "70000"}});
  auto pools = all_of<IpPool>(rs);
  EXPECT_EQ(to_string(pools.at(0).cidr), "10.128.0.0/9");
  auto nodes = all_of<Node>(rs);
  EXPECT_EQ(to_string(*nodes.back().ipv4_address), "10.1.17.112/15");
  auto racks = gen("as-per-rack", {{"racks", "300"}, {"nodesPerRack", "300"}});
  // 302 addresses a rack: a /23 each, 300 of them in a /14.
  EXPECT_EQ(to_string(all_of<Segment>(racks).at(0).cidrs.at(0)), "10.0.0.0/23");
  EXPECT_EQ(to_string(*all_of<Node>(racks).back().ipv4_address), "10.2.87.45/23");
}

TEST(Generators, PoolsAreCheckedAsCalicoctlChecksThem) {
  EXPECT_EQ(refusal("full-mesh", {{"poolCIDR", "169.254.0.0/16"}}),
            "--poolCIDR: error[E207]: IP pool range overlaps with the link local range 169.254.0.0/16\n"
            "  hint: link-local addresses cannot be routed; choose another range\n");
  EXPECT_EQ(refusal("full-mesh", {{"poolCIDR", "10.244.0.1/16"}}),
            "--poolCIDR: error[E206]: IP pool CIDR is not strictly masked\n"
            "  hint: did you mean 10.244.0.0/16?\n");
}

TEST(Generators, RangesMustBeDisjoint) {
  EXPECT_EQ(refusal("full-mesh", {{"poolCIDR", "10.0.0.0/8"}}),
            "--poolCIDR: error[E204]: poolCIDR 10.0.0.0/8 overlaps nodeCIDR 10.0.0.0/16\n"
            "  hint: node, link and pool ranges must be disjoint: an address belongs to one of them\n");
  EXPECT_EQ(refusal("as-per-rack", {{"fabricCIDR", "10.0.0.0/24"}}),
            "--fabricCIDR: error[E204]: fabricCIDR 10.0.0.0/24 overlaps nodeCIDR 10.0.0.0/16\n"
            "  hint: node, link and pool ranges must be disjoint: an address belongs to one of them\n");
}

TEST(Generators, ParametersThatExcludeEachOther) {
  EXPECT_EQ(
      refusal("route-reflectors", {{"clusters", "2"}, {"peering", "global"}}),
      "--peering: error[E306]: peering 'global' cannot spread the clients over 2 clusters\n"
      "  hint: a global peer is a peer of every node, so every client would peer with every reflector; use "
      "peering selector, or one cluster\n");
  EXPECT_EQ(refusal("route-reflectors", {{"clusters", "3"}}),
            "--clusters: error[E204]: clusters 3 needs at least 3 reflectors, found 2\n"
            "  hint: every cluster has its own reflectors: raise reflectors or lower clusters\n");
  EXPECT_EQ(refusal("full-mesh", {{"nodes", "2"}, {"segments", "3"}}),
            "--segments: error[E204]: segments 3 is more than nodes 2\n"
            "  hint: every segment needs at least one node\n");
  EXPECT_EQ(refusal("full-mesh", {{"ipv6PoolCIDR", "fd00:1::/64"}}),
            "--ipv6PoolCIDR: error[E306]: 'ipv6PoolCIDR' is set but 'ipv6' is false\n"
            "  hint: turn ipv6 on to give the nodes IPv6 addresses, or leave ipv6PoolCIDR out\n");
}

TEST(Generators, UnknownModel) {
  EXPECT_EQ(refusal("full-mash", {}),
            "generate: error[E106]: unknown model 'full-mash'\n"
            "  hint: did you mean 'full-mesh'?\n");
  EXPECT_EQ(refusal("clos", {}),
            "generate: error[E106]: unknown model 'clos'\n"
            "  hint: models: full-mesh, route-reflectors, as-per-rack, as-per-compute-server\n");
}

TEST(Generators, EveryModelListsItsParametersWithValidDefaults) {
  for (const auto& m : generator_models()) {
    auto params = generator_params(m.name);
    EXPECT_FALSE(params.empty()) << m.name;
    EXPECT_EQ(generator_params(m.kind).size(), params.size());
    Params all;
    for (const auto& p : params) {
      EXPECT_FALSE(p.description.empty()) << p.name;
      // (The IPv6 ranges are refused without ipv6: true.)
      if (!p.default_value.empty() && p.name.rfind("ipv6", 0) != 0) all.emplace_back(p.name, p.default_value);
    }
    // Giving every default explicitly is the same as giving none.
    EXPECT_EQ(save_resources(gen(m.name, all)), save_resources(gen(m.name, {}))) << m.name;
  }
  EXPECT_TRUE(generator_params("nope").empty());
}

// ---- large designs ---------------------------------------------------------------------------------------

// Every address is used once, no address lies in a pool, and no two segments overlap.
void expect_collision_free(const std::vector<Resource>& rs) {
  std::unordered_set<IpAddr, IpAddrHash> seen;
  std::vector<Prefix> pools, segments;
  for (const auto& p : all_of<IpPool>(rs)) pools.push_back(p.cidr);
  auto claim = [&](const IpAddr& a, const std::string& who) {
    EXPECT_TRUE(seen.insert(a).second) << to_string(a) << " of " << who << " is used twice";
    for (const auto& p : pools)
      EXPECT_FALSE(p.contains(a)) << to_string(a) << " of " << who << " is in a pool";
  };
  for (const auto& n : all_of<Node>(rs)) {
    if (n.ipv4_address) claim(n.ipv4_address->addr, n.name);
    if (n.ipv6_address) claim(n.ipv6_address->addr, n.name);
  }
  for (const auto& r : all_of<Router>(rs))
    for (const auto& a : r.addresses) claim(a.addr, r.name);
  for (const auto& s : all_of<Segment>(rs))
    for (const auto& c : s.cidrs) segments.push_back(c);
  std::sort(segments.begin(), segments.end());
  for (std::size_t i = 1; i < segments.size(); ++i)
    EXPECT_FALSE(segments[i - 1].overlaps(segments[i]))
        << to_string(segments[i - 1]) << " " << to_string(segments[i]);
}

TEST(GeneratorsLarge, FullMeshOfAThousandNodes) {
  auto rs = gen("full-mesh", {{"nodes", "1000"}});
  EXPECT_EQ(count_of<Node>(rs), 1000u);
  EXPECT_EQ(count_of<IpPool>(rs), 1u);
  EXPECT_EQ(count_of<Segment>(rs), 1u);
  EXPECT_EQ(count_of<BgpPeer>(rs), 0u);
  EXPECT_EQ(count_of<Router>(rs), 0u);
  EXPECT_EQ(rs.size(), 1003u);  // and the ClusterConfig
  expect_collision_free(rs);
}

TEST(GeneratorsLarge, AsPerRackOf250RacksOf40) {
  auto rs = gen("as-per-rack", {{"racks", "250"}, {"nodesPerRack", "40"}, {"spines", "4"}});
  EXPECT_EQ(count_of<Node>(rs), 10'000u);
  EXPECT_EQ(count_of<BgpPeer>(rs), 10'000u);
  auto routers = all_of<Router>(rs);
  EXPECT_EQ(routers.size(), 254u);
  EXPECT_EQ(std::count_if(routers.begin(), routers.end(),
                          [](const Router& r) { return r.role == RouterRole::Tor; }),
            250);
  EXPECT_EQ(count_of<Segment>(rs), 250u + 1000u);  // racks and ToR-spine links
  EXPECT_EQ(count_of<IpPool>(rs), 1u);
  EXPECT_EQ(to_string(all_of<IpPool>(rs)[0].cidr), "10.240.0.0/12");  // 10,000 blocks need 2^14
  std::set<AsNumber> tor_as;
  for (const auto& r : routers)
    if (r.role == RouterRole::Tor) tor_as.insert(r.as_number);
  EXPECT_EQ(tor_as.size(), 250u);
  EXPECT_EQ(*tor_as.begin(), 65001u);
  EXPECT_EQ(*tor_as.rbegin(), 65250u);
  expect_collision_free(rs);
}

TEST(GeneratorsLarge, AsPerRackBeyondTheTwoByteRangeContinuesInTheFourByteRange) {
  auto rs = gen("as-per-rack", {{"racks", "600"}, {"nodesPerRack", "2"}});
  std::vector<AsNumber> tor_as;
  for (const auto& r : all_of<Router>(rs))
    if (r.role == RouterRole::Tor) tor_as.push_back(r.as_number);
  ASSERT_EQ(tor_as.size(), 600u);
  EXPECT_EQ(tor_as[533], 65534u);  // rack-534
  EXPECT_EQ(tor_as[534], 4200000000u);
  EXPECT_EQ(tor_as[599], 4200000065u);
}

TEST(GeneratorsLarge, AsPerComputeServerWithTwoToRsPerRack) {
  auto rs = gen("as-per-compute-server",
                {{"racks", "100"}, {"nodesPerRack", "20"}, {"torsPerRack", "2"}, {"spines", "4"}});
  EXPECT_EQ(count_of<Node>(rs), 2000u);
  EXPECT_EQ(count_of<BgpPeer>(rs), 4000u);
  EXPECT_EQ(count_of<Router>(rs), 204u);
  EXPECT_EQ(count_of<Segment>(rs), 100u + 800u);
  expect_collision_free(rs);
}

TEST(GeneratorsLarge, RouteReflectorsStayLinear) {
  auto rs = gen("route-reflectors",
                {{"clients", "20000"}, {"reflectors", "4"}, {"clusters", "2"}, {"reflectorKind", "router"}});
  EXPECT_EQ(count_of<Node>(rs), 20'000u);
  EXPECT_EQ(count_of<BgpPeer>(rs), 4u);
  for (const auto& r : all_of<Router>(rs)) {
    EXPECT_EQ(r.neighbors.size(), 3u);
    EXPECT_EQ(r.neighbor_ranges.size(), 1u);
  }
  expect_collision_free(rs);
}

// Expansion is linear (about 0.2 s here in a release build); a quadratic one would run into the
// ctest timeout rather than fail an assertion on wall time.
TEST(GeneratorsLarge, AHundredThousandNodeMeshExpands) {
  auto rs = gen("full-mesh", {{"nodes", "100000"}});
  EXPECT_EQ(count_of<Node>(rs), 100'000u);
  EXPECT_EQ(to_string(all_of<Segment>(rs).at(0).cidrs.at(0)), "10.0.0.0/15");
  EXPECT_EQ(to_string(all_of<IpPool>(rs).at(0).cidr), "10.128.0.0/9");
  EXPECT_EQ(all_of<Node>(rs).back().name, "node-100000");
}

TEST(GeneratorsLarge, MediumDesignsValidate) {
  for (const auto& [model, params] : std::vector<std::pair<std::string, Params>>{
           {"as-per-rack",
            {{"racks", "40"}, {"nodesPerRack", "20"}, {"spines", "4"}, {"spineMode", "as-per-spine"}}},
           {"as-per-compute-server", {{"racks", "30"}, {"nodesPerRack", "30"}, {"torsPerRack", "2"}}},
           {"route-reflectors", {{"clients", "800"}, {"reflectors", "6"}, {"clusters", "3"}}},
           {"full-mesh", {{"nodes", "800"}, {"segments", "8"}, {"ipv6", "true"}}},
       }) {
    Diagnostics d;
    Topology t = load(gen(model, params), d);
    validate(t, ValidationMode::Strict, d);
    EXPECT_TRUE(d.items().empty()) << model << ": " << d.to_string();
  }
}

}  // namespace
}  // namespace peerlab
