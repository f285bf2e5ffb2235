// Tests of topology/limits.hpp: every input limit refuses what is past it with its exact E4xx
// diagnostic, before the work it bounds (an alias bomb is refused without being expanded, a
// design too large to simulate before any speaker is derived), and the defaults accept every
// example of the project.
#include "topology/limits.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

namespace peerlab {
namespace {

namespace fs = std::filesystem;

std::string errors(const ParsedFile& f) {
  return f.diagnostics.to_string();
}

// Nine levels of ten aliases each: 10^9 nodes once expanded, 100 lines of text.
std::string alias_bomb() {
  std::string text =
      "apiVersion: v1\nkind: List\nitems:\n- &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    text += "- &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

std::string full_mesh(int nodes) {
  return "apiVersion: peerlab/v1\nkind: FullMesh\nmetadata:\n  name: m\nspec:\n  nodes: " +
         std::to_string(nodes) + "\n";
}

Topology load_ok(const std::string& text) {
  auto f = parse_resources(text, "t.yaml");
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, f.resources, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

TEST(InputLimits, TheDefaultsAreThoseTheDocumentationGives) {
  InputLimits l;
  EXPECT_EQ(l.max_file_bytes, 64u << 20);
  EXPECT_EQ(l.max_depth, 64);
  EXPECT_EQ(l.max_yaml_nodes, 5'000'000u);
  EXPECT_EQ(l.max_resources, 1'000'000u);
  EXPECT_EQ(l.max_sim_memory, 4ull << 30);
}

TEST(InputLimits, FormatsByteCountsWithBinaryUnits) {
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(64ull << 20), "64 MiB");
  EXPECT_EQ(format_bytes(4ull << 30), "4 GiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(123456789), "117.7 MiB");
}

TEST(InputLimits, ReadsByteSizesWithTheUnitsTheFlagsAccept) {
  EXPECT_EQ(parse_byte_size("512"), 512u);
  EXPECT_EQ(parse_byte_size("512b"), 512u);
  EXPECT_EQ(parse_byte_size("4k"), 4096u);
  EXPECT_EQ(parse_byte_size("4KiB"), 4096u);
  EXPECT_EQ(parse_byte_size("64MiB"), 64ull << 20);
  EXPECT_EQ(parse_byte_size("64 mb"), 64ull << 20);
  EXPECT_EQ(parse_byte_size("2GB"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("1TiB"), 1ull << 40);
  EXPECT_EQ(parse_byte_size(""), std::nullopt);
  EXPECT_EQ(parse_byte_size("MiB"), std::nullopt);
  EXPECT_EQ(parse_byte_size("-1"), std::nullopt);
  EXPECT_EQ(parse_byte_size("12 parsecs"), std::nullopt);
  EXPECT_EQ(parse_byte_size("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_byte_size("17000000000TiB"), std::nullopt);
}

TEST(InputLimits, RefusesTextLargerThanTheFileSizeLimit) {
  InputLimits l;
  l.max_file_bytes = 10;
  auto f = parse_resources("apiVersion: v1\n", "big.yaml", l);
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(errors(f),
            "big.yaml: error[E401]: file is too large: 15 bytes, the limit is 10 bytes\n"
            "  hint: split the file, or raise the limit with --max-file-size\n");
}

TEST(InputLimits, MeasuresARegularFileBeforeReadingIt) {
  fs::path p = fs::temp_directory_path() / ("peerlab-limits-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(p);
    out << std::string(3 << 20, '#');
  }
  InputLimits l;
  l.max_file_bytes = 1 << 20;
  auto f = parse_file(p.string(), l);
  EXPECT_EQ(errors(f),
            p.string() +
                ": error[E401]: file is too large: 3145728 bytes (3 MiB), the limit is 1048576 bytes "
                "(1 MiB)\n  hint: split the file, or raise the limit with --max-file-size\n");
  fs::remove(p);
}

TEST(InputLimits, ReadsAnEndlessInputOnlyUpToTheLimit) {
  InputLimits l;
  l.max_file_bytes = 1 << 20;
  Diagnostics d;
  auto text = read_input("/dev/zero", l, d);  // an endless read fails on the ctest timeout
  EXPECT_FALSE(text);
  EXPECT_EQ(d.to_string(),
            "/dev/zero: error[E401]: input is too large: more than 1048576 bytes (1 MiB)\n"
            "  hint: split the input, or raise the limit with --max-file-size\n");
}

TEST(InputLimits, RefusesNestingDeeperThanTheLimit) {
  std::string text = "a: " + std::string(70, '[') + std::string(70, ']') + "\n";
  auto f = parse_resources(text, "deep.yaml");
  EXPECT_EQ(
      errors(f),
      "deep.yaml:1:67: error[E402]: nesting is too deep: more than 64 lists and mappings inside each other\n"
      "  hint: peerlab files nest a few levels; raise the limit with --max-depth\n");
}

TEST(InputLimits, NestingThatYamlCppItselfRefusesIsASyntaxErrorNotACrash) {
  InputLimits l;
  l.max_depth = 100'000;
  std::string text = std::string(5000, '[') + std::string(5000, ']') + "\n";
  auto f = parse_resources(text, "deeper.yaml", l);
  ASSERT_EQ(f.diagnostics.items().size(), 1u);
  EXPECT_EQ(f.diagnostics.items()[0].code, "E101");
}

TEST(InputLimits, RefusesAnAliasBombBeforeExpandingIt) {
  auto f = parse_resources(alias_bomb(), "lol.yaml");  // expanding it would not end: ctest timeout
  EXPECT_TRUE(f.resources.empty());
  EXPECT_EQ(
      errors(f),
      "lol.yaml:10:23: error[E403]: document 1 expands to more than 5000000 YAML nodes through its aliases "
      "(an alias repeats the whole node it names)\n"
      "  hint: aliases that repeat aliases grow exponentially (a 'billion laughs'); write the content out, "
      "or raise the limit with --max-yaml-nodes\n");
}

TEST(InputLimits, RefusesAnAliasInsideTheNodeItNames) {
  auto f = parse_resources("a: &a [x, *a]\n", "loop.yaml");
  EXPECT_EQ(
      errors(f),
      "loop.yaml:1:11: error[E403]: alias *a refers to a node that contains it; it would expand without end\n"
      "  hint: YAML aliases may only repeat a node that is complete; write the content out\n");
}

// Found by fuzz_resources (and fuzz_ctl_args, in a -f file): yaml-cpp 0.7's parser returns the
// same empty document forever on a lone ',' (yaml-cpp PR #1319), and YAML::LoadAll looped,
// allocating until the machine ran out of memory.
TEST(InputLimits, ALoneCommaIsASyntaxErrorNotAnEndlessStreamOfDocuments) {
  auto f = parse_resources(",", "comma.yaml");  // the endless loop fails on the ctest timeout
  EXPECT_EQ(
      errors(f),
      "comma.yaml:1:1: error[E101]: YAML syntax error: unexpected character; no document can start here\n"
      "  hint: check the indentation and quoting around this point\n");
  auto g = parse_resources("apiVersion: v1\nkind: node\nmetadata: {name: n1}\n---\n, x\n", "later.yaml");
  ASSERT_EQ(g.diagnostics.items().size(), 1u);
  EXPECT_EQ(format(g.diagnostics.items()[0]).substr(0, 28), "later.yaml:5:1: error[E101]:");
}

TEST(InputLimits, AcceptsAliasesWithinTheLimit) {
  auto t = load_ok(R"(apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: node
  metadata:
    name: n1
    labels: &labels {rack: r1}
  spec:
    bgp: {ipv4Address: 10.0.0.1/24}
- apiVersion: v1
  kind: node
  metadata:
    name: n2
    labels: *labels
  spec:
    bgp: {ipv4Address: 10.0.0.2/24}
)");
  ASSERT_EQ(t.nodes.size(), 2u);
  EXPECT_EQ(t.nodes[1].labels.at("rack"), "r1");
}

TEST(InputLimits, CountsAliasesPerDocument) {
  // An anchor of one document is unknown in the next: yaml-cpp reports it as a syntax error.
  auto f = parse_resources("a: &x [1]\n---\nb: *x\n", "two.yaml");
  ASSERT_EQ(f.diagnostics.items().size(), 1u);
  EXPECT_EQ(f.diagnostics.items()[0].code, "E101");
}

TEST(InputLimits, RefusesADocumentWithMoreYamlNodesThanTheLimit) {
  InputLimits l;
  l.max_yaml_nodes = 100;
  std::string text = "items:\n";
  for (int i = 0; i < 200; ++i) text += "- x\n";
  auto f = parse_resources(text, "many.yaml", l);
  EXPECT_EQ(errors(f),
            "many.yaml:99:3: error[E403]: document 1 has more than 100 YAML nodes\n"
            "  hint: split the file, or raise the limit with --max-yaml-nodes\n");
}

TEST(InputLimits, RefusesMoreResourcesThanTheLimit) {
  InputLimits l;
  l.max_resources = 2;
  std::string text;
  for (int i = 1; i <= 4; ++i)
    text += "---\napiVersion: v1\nkind: node\nmetadata:\n  name: n" + std::to_string(i) + "\n";
  auto f = parse_resources(text, "nodes.yaml", l);
  EXPECT_EQ(f.resources.size(), 2u);
  EXPECT_EQ(
      errors(f),
      "nodes.yaml:12:1: error[E404]: too many resources: more than 2 (generators count what they expand "
      "into)\n  hint: split the input, or raise the limit with --max-resources\n");
}

TEST(InputLimits, CountsWhatAGeneratorExpandsInto) {
  InputLimits l;
  l.max_resources = 50;
  auto f = parse_resources(full_mesh(60), "gen.yaml", l);
  EXPECT_EQ(f.resources.size(), 50u);
  EXPECT_EQ(
      errors(f),
      "gen.yaml:1:1: error[E404]: too many resources: more than 50 (generators count what they expand into)\n"
      "  hint: split the input, or raise the limit with --max-resources\n");
}

TEST(InputLimits, PredictsTheSessionsOfAFullMeshExactly) {
  auto t = load_ok(full_mesh(30));
  auto size = estimate_simulation_size(t, 1);
  std::uint64_t derived = 0;
  for (const auto& s : derive_speakers(t)) derived += s.neighbors.size();
  EXPECT_EQ(size.speakers, 30u);
  EXPECT_EQ(size.session_ends, derived);
  EXPECT_EQ(size.session_ends, 30u * 29u);
  EXPECT_EQ(size.prefixes, 30u);
  EXPECT_EQ(size.routes, 30u * 30u + 30u * 29u);  // Loc-RIBs, and one route per session end
}

TEST(InputLimits, PredictsRouteReflectorSessionsWithoutDerivingThem) {
  auto t = load_ok(
      "apiVersion: peerlab/v1\nkind: RouteReflectors\nmetadata:\n  name: rr\nspec:\n  clients: 100\n  "
      "reflectors: 2\n");
  auto size = estimate_simulation_size(t, 1);
  std::uint64_t derived = 0;
  for (const auto& s : derive_speakers(t)) derived += s.neighbors.size();
  // An upper bound (a pair of reflectors is counted even where a selector matches a node itself),
  // and for an IPv4-only cluster one family, not two: 400 ends from the clients' peering (both
  // ways), 8 from the reflectors'.
  EXPECT_GE(size.session_ends, derived);
  EXPECT_EQ(size.session_ends, 408u);
  EXPECT_LE(size.session_ends, derived + 8);
}

// Dual-stack nodes get a session per family from a selector peering; the prediction counts both
// families then, and stays an upper bound.
TEST(InputLimits, CountsBothFamiliesOfSelectorPeeringsInADualStackCluster) {
  std::string text =
      "apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata:\n  name: default\nspec:\n"
      "  nodeToNodeMeshEnabled: false\n";
  for (int i = 1; i <= 4; ++i) {
    const bool rr = i == 1;
    text += "---\napiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: n" + std::to_string(i) +
            (rr ? "\n  labels:\n    rr: \"true\"" : "") + "\nspec:\n  bgp:\n    ipv4Address: 10.0.0." +
            std::to_string(i) + "/24\n    ipv6Address: fd00::" + std::to_string(i) + "/64\n" +
            (rr ? "    routeReflectorClusterID: 224.0.0.1\n" : "");
  }
  text +=
      "---\napiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: to-rr\nspec:\n"
      "  nodeSelector: \"!has(rr)\"\n  peerSelector: has(rr)\n";
  auto t = load_ok(text);
  auto size = estimate_simulation_size(t, 1);
  std::uint64_t derived = 0;
  for (const auto& s : derive_speakers(t)) derived += s.neighbors.size();
  // 3 clients to 1 reflector, both ways, in both families.
  EXPECT_EQ(derived, 12u);
  EXPECT_EQ(size.session_ends, 12u);
}

TEST(InputLimits, PredictsThatEveryClientHoldsEveryPrefixOncePerReflector) {
  auto t = load_ok(
      "apiVersion: peerlab/v1\nkind: RouteReflectors\nmetadata:\n  name: rr\nspec:\n  clients: 100\n  "
      "reflectors: 2\n");
  auto size = estimate_simulation_size(t, 1);
  // 100 clients × 2 reflectors × 102 prefixes, in the clients' Adj-RIBs-In and again in the
  // reflectors' Adj-RIBs-Out.
  EXPECT_EQ(size.prefixes, 102u);
  EXPECT_EQ(size.reflected_routes, 2u * 100 * 2 * 102);
  // The mesh of the same size has no reflected routes.
  auto mesh = load_ok("apiVersion: peerlab/v1\nkind: FullMesh\nmetadata:\n  name: m\nspec:\n  nodes: 102\n");
  EXPECT_EQ(estimate_simulation_size(mesh, 1).reflected_routes, 0u);
}

TEST(InputLimits, RefusesASimulationThatDoesNotFitTheMemoryBudget) {
  auto t = load_ok(full_mesh(5000));
  Diagnostics d;
  // Predicted from counts, without deriving the 25 million session ends (speed is measured in
  // bench/, never asserted here).
  EXPECT_FALSE(check_simulation_size(t, 1, InputLimits{}, "mesh.yaml", d));
  EXPECT_EQ(
      d.to_string(),
      "mesh.yaml: error[E405]: the simulation would need about 11.9 GiB of memory (5000 speakers, 24995000 "
      "session ends, 49995000 routes), more than the limit of 4 GiB\n"
      "  hint: simulate a smaller design (route reflectors instead of a full mesh keep sessions linear), or "
      "raise the limit with --max-sim-memory\n");
}

TEST(InputLimits, AcceptsASimulationWithinTheBudgetAndItsRaisedLimit) {
  auto t = load_ok(full_mesh(300));
  Diagnostics d;
  EXPECT_TRUE(check_simulation_size(t, 1, InputLimits{}, "mesh.yaml", d));
  InputLimits small;
  small.max_sim_memory = 1 << 20;
  EXPECT_FALSE(check_simulation_size(t, 1, small, "mesh.yaml", d));
  EXPECT_EQ(d.items().at(0).code, "E405");
}

TEST(InputLimits, EveryExampleLoadsWithinTheDefaults) {
  for (const auto& e : fs::directory_iterator(fs::path(PEERLAB_SOURCE_DIR) / "examples")) {
    if (e.path().extension() != ".yaml") continue;
    auto f = parse_file(e.path().string());
    EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
    Topology t;
    Diagnostics d;
    add_resources(t, f.resources, d);
    EXPECT_TRUE(check_simulation_size(t, 1, InputLimits{}, e.path().string(), d)) << d.to_string();
  }
}

}  // namespace
}  // namespace peerlab
