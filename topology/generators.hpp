// Topology generators: one `peerlab/v1` document (kind FullMesh, RouteReflectors, AsPerRack or
// AsPerComputeServer) expands into the ordinary resources of a Calico BGP design — nodes, BGP
// peers, IP pools, cluster settings, and the fabric (segments, ToR and spine routers) — with
// names, addresses and AS numbers assigned deterministically. The four designs are those of the
// Calico docs (calico-model.md §4); docs/generators.md describes each parameter and the
// addressing plan.
//
// What comes out is exactly what a hand-written file would hold: it loads, validates (Strict) and
// simulates like one, and saving it gives text that parses back to the same resources. Every
// generated resource carries the position of the generator document, so later diagnostics point
// at it.
//
// Sizes are bounded before any work is done: at most kMaxGeneratedNodes Calico nodes, and every
// address range must hold what the design needs (the defaults grow when they are too small).
// Expansion is linear in the number of nodes: route reflectors and ToRs accept their clients
// through neighbour ranges, never through one neighbour entry per client.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topology/diagnostics.hpp"
#include "topology/resources.hpp"

namespace peerlab {

// The largest number of Calico nodes a generator makes.
inline constexpr std::size_t kMaxGeneratedNodes = 200'000;

// True for the generator kinds (compared case-insensitively): fullmesh, routereflectors,
// asperrack, aspercomputeserver.
bool is_generator_kind(std::string_view kind);

// Reads a generator document (a YAML::Node, already known to be apiVersion peerlab/v1 and a
// generator kind), reporting problems in `diags` with positions in `file`, and appends the
// resources it expands into to `out`. Nothing is appended when the document has an error.
void expand_generator_document(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                               std::vector<Resource>& out);

// For `peerlab generate MODEL --param value …`: the same, from a model name (full-mesh,
// route-reflectors, as-per-rack, as-per-compute-server; the kind names are accepted too) and
// parameters given as strings ("nodes" -> "50"; "nodes-per-rack" and "nodesPerRack" alike). Each
// diagnostic is positioned at the parameter as `--name`. Empty when there is an error.
std::vector<Resource> generate(const std::string& model,
                               const std::vector<std::pair<std::string, std::string>>& params,
                               Diagnostics& diags);

// The parameters of each model with defaults and descriptions, for --help and docs. An empty
// default means "not set" (the description says what applies then). Empty for an unknown model.
struct GeneratorParam {
  std::string name, default_value, description;
};
std::vector<GeneratorParam> generator_params(const std::string& model);

// The model names `peerlab generate` takes, in the order the docs present them, with a one-line
// summary each.
struct GeneratorModel {
  std::string name;  // full-mesh
  std::string kind;  // FullMesh
  std::string summary;
};
std::vector<GeneratorModel> generator_models();

}  // namespace peerlab
