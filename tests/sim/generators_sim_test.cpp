// Generated designs simulate like hand-written ones: every small design of every generator, saved
// as text and loaded back as a file would be, converges with every BGP session Established and
// every Calico node holding a route to every node's IPAM block (the fabric routers too).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/network.hpp"
#include "topology/generators.hpp"
#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

namespace peerlab::sim {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

struct Design {
  std::string model;
  Params params;
};

std::string describe(const Design& d) {
  std::string out = d.model;
  for (const auto& [k, v] : d.params) out += " --" + k + " " + v;
  return out;
}

// Generated, saved, and read back as `peerlab simulate` would read the file.
Topology load(const Design& d) {
  Diagnostics diags;
  const std::string text = save_resources(generate(d.model, d.params, diags));
  EXPECT_FALSE(diags.has_errors()) << diags.to_string();
  auto parsed = parse_resources(text, "generated.yaml");
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  Topology t;
  add_resources(t, parsed.resources, diags);
  validate(t, ValidationMode::Strict, diags);
  EXPECT_TRUE(diags.items().empty()) << diags.to_string();
  return t;
}

void expect_converged_everywhere(const Design& d) {
  SCOPED_TRACE(describe(d));
  const Topology t = load(d);
  std::size_t blocks = 0;
  for (const auto& n : t.nodes) blocks += (n.ipv4_address ? 1 : 0) + (n.ipv6_address ? 1 : 0);
  Network net(t, derive_speakers(t));
  auto r = net.run();
  ASSERT_EQ(r.outcome, Outcome::Converged);
  std::size_t sessions = 0;
  for (SpeakerId id = 0; id < net.speaker_count(); ++id) {
    const auto& cfg = net.speaker_config(id);
    for (const auto& s : net.sessions(id)) {
      ++sessions;
      EXPECT_EQ(s.state, bgp::State::Established) << cfg.name << " " << s.protocol << ": " << s.info();
    }
    // The gateway of a multi-segment mesh speaks no BGP; every other speaker learns every block.
    if (cfg.name != "gateway") {
      EXPECT_EQ(net.best_route_count(id), blocks) << cfg.name;
    }
  }
  EXPECT_GT(sessions, 0u);
}

TEST(GeneratedDesigns, FullMesh) {
  expect_converged_everywhere({"full-mesh", {{"nodes", "6"}}});
  expect_converged_everywhere({"full-mesh", {{"nodes", "5"}, {"asNumber", "64600"}, {"ipv6", "true"}}});
}

TEST(GeneratedDesigns, FullMeshAcrossSegmentsThroughTheGateway) {
  expect_converged_everywhere({"full-mesh", {{"nodes", "6"}, {"segments", "3"}, {"ipv6", "true"}}});
}

TEST(GeneratedDesigns, RouteReflectorNodes) {
  expect_converged_everywhere({"route-reflectors", {}});
  expect_converged_everywhere(
      {"route-reflectors", {{"clients", "6"}, {"reflectors", "4"}, {"clusters", "2"}}});
  expect_converged_everywhere(
      {"route-reflectors", {{"clients", "5"}, {"reflectors", "3"}, {"clusters", "3"}}});
  expect_converged_everywhere({"route-reflectors", {{"clients", "4"}, {"peering", "global"}}});
}

TEST(GeneratedDesigns, RouteReflectorRouters) {
  expect_converged_everywhere(
      {"route-reflectors", {{"clients", "4"}, {"reflectorKind", "router"}, {"peering", "global"}}});
  expect_converged_everywhere(
      {"route-reflectors", {{"clients", "6"}, {"reflectors", "3"}, {"reflectorKind", "router"}}});
  expect_converged_everywhere(
      {"route-reflectors",
       {{"clients", "6"}, {"reflectors", "4"}, {"clusters", "2"}, {"reflectorKind", "router"}}});
}

TEST(GeneratedDesigns, AsPerRack) {
  expect_converged_everywhere({"as-per-rack", {}});
  expect_converged_everywhere({"as-per-rack", {{"racks", "3"}, {"nodesPerRack", "2"}, {"spines", "1"}}});
  expect_converged_everywhere({"as-per-rack", {{"racks", "3"}, {"spineMode", "as-per-spine"}}});
  expect_converged_everywhere({"as-per-rack", {{"racks", "2"}, {"nodesPerRack", "3"}, {"torMode", "mesh"}}});
  expect_converged_everywhere(
      {"as-per-rack", {{"racks", "3"}, {"torMode", "mesh"}, {"spines", "3"}, {"spineMode", "as-per-spine"}}});
}

TEST(GeneratedDesigns, AsPerComputeServer) {
  expect_converged_everywhere({"as-per-compute-server", {}});
  expect_converged_everywhere(
      {"as-per-compute-server", {{"racks", "3"}, {"nodesPerRack", "2"}, {"torsPerRack", "2"}}});
  expect_converged_everywhere(
      {"as-per-compute-server",
       {{"racks", "2"}, {"torsPerRack", "2"}, {"spines", "3"}, {"spineMode", "as-per-spine"}}});
}

TEST(GeneratedDesigns, FourByteAsNumbersWork) {
  // The nodes start in the 4-byte private range (RFC 6793 AS4 on every session).
  expect_converged_everywhere({"as-per-compute-server", {{"nodeAsNumber", "4200000000"}, {"racks", "2"}}});
}

TEST(GeneratedDesigns, LargerDesignsConverge) {
  expect_converged_everywhere({"as-per-rack", {{"racks", "8"}, {"nodesPerRack", "10"}, {"spines", "2"}}});
  expect_converged_everywhere(
      {"as-per-compute-server", {{"racks", "6"}, {"nodesPerRack", "8"}, {"torsPerRack", "2"}}});
  expect_converged_everywhere(
      {"route-reflectors", {{"clients", "60"}, {"reflectors", "4"}, {"clusters", "2"}}});
  expect_converged_everywhere({"full-mesh", {{"nodes", "30"}}});
}

TEST(GeneratedDesigns, AGeneratorDocumentSimulatesLikeItsExpansion) {
  Diagnostics d;
  std::vector<Resource> rs;
  expand_generator_document(YAML::Load("apiVersion: peerlab/v1\n"
                                       "kind: AsPerRack\n"
                                       "metadata: {name: doc}\n"
                                       "spec: {racks: 2, nodesPerRack: 2}\n"),
                            "doc.yaml", d, rs);
  ASSERT_FALSE(d.has_errors()) << d.to_string();
  Topology t;
  add_resources(t, rs, d);
  validate(t, ValidationMode::Strict, d);
  ASSERT_TRUE(d.items().empty()) << d.to_string();
  Network net(t, derive_speakers(t));
  ASSERT_EQ(net.run().outcome, Outcome::Converged);
  Topology same = load({"as-per-rack", {{"racks", "2"}, {"nodesPerRack", "2"}}});
  Network twin(same, derive_speakers(same));
  twin.run();
  EXPECT_EQ(net.fingerprint(), twin.fingerprint());
}

}  // namespace
}  // namespace peerlab::sim
