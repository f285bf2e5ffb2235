// Reading and writing peerlab files: multi-document YAML (or JSON) holding Calico v1 and v3
// resources and peerlab/v1 fabric kinds. Parsing turns YAML into the plain structs of model.hpp,
// recording each resource's position and collecting every problem it can see locally (syntax,
// unknown fields, bad addresses, AS numbers, enum values). Cross-resource rules live in
// validate.hpp. Saving writes resources back in their own spelling, in canonical order, so that
// load(save(x)) == x.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "topology/diagnostics.hpp"
#include "topology/limits.hpp"
#include "topology/model.hpp"

namespace peerlab {

// A v3 BGPConfiguration: `default` carries cluster settings, `node.<name>` per-node log level.
struct BgpConfiguration {
  std::string name;
  ClusterConfig values;
  SourceLoc loc;
};

// peerlab/v1 ClusterConfig: how the datastore stores calicoctl `config` settings.
struct ClusterConfigResource {
  ClusterConfig values;
  SourceLoc loc;
};

using Resource = std::variant<Node, BgpPeer, IpPool, BgpConfiguration, ClusterConfigResource, Segment, Router,
                              Link, TimerSettings, CheckLimitSettings>;

// The canonical kind name of a resource as calicoctl prints it ("bgpPeer", "node", "ipPool";
// v3 and fabric kinds by their own names).
std::string kind_name(const Resource& r);
const SourceLoc& location(const Resource& r);

struct ParsedFile {
  std::vector<Resource> resources;  // in file order
  Diagnostics diagnostics;
};

// Parses `text`; `filename` is used only in diagnostics. Input beyond `limits` (size, depth, YAML
// nodes with aliases expanded, resources) is refused with an E4xx diagnostic before the work.
ParsedFile parse_resources(std::string_view text, const std::string& filename,
                           const InputLimits& limits = {});
// Reads and parses a file; a missing or unreadable file is a diagnostic (code E001), one larger
// than limits.max_file_bytes is E401 and is not read.
ParsedFile parse_file(const std::string& path, const InputLimits& limits = {});
// The text of a file ("-": stdin), read only as far as limits.max_file_bytes: E001 when it cannot
// be read, E401 when it is larger (a regular file is measured and not read at all).
std::optional<std::string> read_input(const std::string& path, const InputLimits& limits, Diagnostics& diags);

// A duration with its unit ("250us", "2ms", "1.5s", "4m", "1h"), in microseconds.
std::optional<Micros> parse_duration(std::string_view text);

// Canonical alias resolution for calicoctl's KIND argument ("bgppeers", "bp", "ipp", "nodes" …):
// returns the canonical v1 kind name, or empty if unknown.
std::string resolve_kind_alias(std::string_view kind);

// Adds parsed resources to a topology (merging configuration, detecting duplicate keys as E301).
void add_resources(Topology& t, const std::vector<Resource>& resources, Diagnostics& diags);

// Everything in `t`, as resources, in canonical order.
std::vector<Resource> to_resources(const Topology& t);

// How a v1 bgpPeer names its node: `hostname` (the alpha calicoctl of the source document, the
// default) or `node` (calicoctl v1.0 and later). Both are read; this picks what is written.
enum class V1Dialect { Alpha, V1 };

// YAML text for resources: one document per resource, separated by "---".
std::string save_resources(const std::vector<Resource>& resources, V1Dialect dialect = V1Dialect::Alpha);
std::string save_topology(const Topology& t, V1Dialect dialect = V1Dialect::Alpha);
// Resources as calicoctl's `get -o yaml` prints them (a YAML sequence) and `-o json` (an array).
std::string to_yaml_list(const std::vector<Resource>& resources, V1Dialect dialect);
std::string to_json_list(const std::vector<Resource>& resources, V1Dialect dialect);

}  // namespace peerlab
