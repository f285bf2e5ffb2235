// The peerlab model: Calico resources (calico-model.md §1, §2) and the fabric they run on, as plain
// structs. Every later layer reads this; nothing here knows YAML. Resources keep the position they
// were read from so validation and later checks can point at them.
//
// Identity follows calicoctl: a v1 bgpPeer is keyed by (scope, node, peerIP), a v3 BGPPeer by name,
// a node by name, a v1 ipPool by CIDR (a v3 IPPool by name). Vectors are kept in the canonical
// order of `canonical_sort` (the order etcd's sorted keys gave calicoctl), so output is stable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "topology/diagnostics.hpp"
#include "topology/ip.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab {

// The source document's default node AS (the alpha calicoctl; GA calicoctl used 64512).
inline constexpr AsNumber kDefaultNodeAsNumber = 64511;
inline constexpr const char* kDefaultLogLevel = "info";

// Which spelling a resource was written in; it is written back in the same one.
enum class ApiFlavor : std::uint8_t {
  V1,  // apiVersion: v1 (alpha `hostname` or v1.0 `node`, accepted alike)
  V3,  // apiVersion: projectcalico.org/v3
};

struct Node {
  std::string name;
  bool has_bgp = true;  // a node without spec.bgp is policy-only: it runs no BGP
  std::optional<AsNumber> as_number;
  std::optional<Prefix> ipv4_address;  // address *and* subnet, e.g. 10.0.0.1/24
  std::optional<Prefix> ipv6_address;
  std::optional<std::uint32_t> route_reflector_cluster_id;  // v3 routeReflectorClusterID
  std::map<std::string, std::string> labels;
  ApiFlavor flavor = ApiFlavor::V1;
  SourceLoc loc;
};

enum class PeerScope : std::uint8_t { Global, Node };

struct BgpPeer {
  PeerScope scope = PeerScope::Global;
  std::string node;                   // scope node: the node it belongs to
  std::optional<IpAddr> peer_ip;      // absent only for a v3 peer with a peerSelector
  std::optional<std::uint16_t> port;  // v3 "IP:port"
  std::optional<AsNumber> as_number;  // absent only with a peerSelector
  // v3 only
  std::string name;
  std::string node_selector;
  std::string peer_selector;
  int num_allowed_local_as = 0;
  bool keep_original_next_hop = false;
  ApiFlavor flavor = ApiFlavor::V1;
  SourceLoc loc;
};

enum class IpipMode : std::uint8_t { Off, Always, CrossSubnet };

struct IpPool {
  std::string name;  // v3 only
  Prefix cidr;
  SourceLoc cidr_loc;  // where the CIDR was written, for diagnostics about it
  IpipMode ipip = IpipMode::Off;
  bool nat_outgoing = false;
  bool disabled = false;
  ApiFlavor flavor = ApiFlavor::V1;
  SourceLoc loc;
};

// Cluster-wide settings: calicoctl `config` (alpha names: defaultNodeASNumber, nodeToNodeMesh,
// logLevel, ipip) and v3 BGPConfiguration. Unset values fall back to the defaults below.
struct ClusterConfig {
  std::optional<AsNumber> as_number;
  std::optional<bool> node_to_node_mesh;
  std::optional<std::string> log_level;
  std::optional<bool> ipip;
  std::map<std::string, std::string> node_log_level;  // per-node logLevel
  SourceLoc loc;

  AsNumber effective_as() const { return as_number.value_or(kDefaultNodeAsNumber); }
  bool effective_mesh() const { return node_to_node_mesh.value_or(true); }
  std::string effective_log_level() const { return log_level.value_or(kDefaultLogLevel); }
  bool effective_ipip() const { return ipip.value_or(false); }
  bool empty() const {
    return !as_number && !node_to_node_mesh && !log_level && !ipip && node_log_level.empty();
  }
  // Values set in `from` override ours; the position is kept from the first resource that set any.
  void merge(const ClusterConfig& from);
};

// ---- the fabric (apiVersion peerlab/v1) ------------------------------------------------------

// Simulated durations are integer microseconds (sim::Time); the file says "2ms", "1.5s", "250us".
using Micros = std::int64_t;

// An L2 segment: everything with an address inside `cidr` reaches everything else on it directly.
struct Segment {
  std::string name;
  std::vector<Prefix> cidrs;  // one per family at most in practice
  Micros latency = 100;       // one-way, per frame
  SourceLoc loc;
};

enum class RouterRole : std::uint8_t { Router, Tor, Spine, Border, RouteReflector };

struct RouterNeighbor {
  IpAddr address;
  AsNumber as_number = 0;
  std::string description;
  bool route_reflector_client = false;
  bool next_hop_self = false;
  bool passive = false;
  std::optional<int> allow_local_as;  // default: the router's allowLocalAS
  SourceLoc loc;
};

struct RouterNeighborRange {
  Prefix range;
  std::optional<AsNumber> as_number;  // absent: accept any AS
  bool route_reflector_client = false;
  bool next_hop_self = false;
  std::optional<int> allow_local_as;
  SourceLoc loc;
};

// A BGP speaker that is not a Calico node: ToR, spine, border router, standalone reflector.
struct Router {
  std::string name;
  RouterRole role = RouterRole::Router;
  AsNumber as_number = 0;
  std::optional<std::uint32_t> router_id;  // default: lowest IPv4 address
  std::vector<Prefix> addresses;           // address and subnet, like a node's
  std::optional<std::uint32_t> route_reflector_cluster_id;
  std::vector<RouterNeighbor> neighbors;
  std::vector<RouterNeighborRange> neighbor_ranges;
  int allow_local_as = 0;
  std::vector<Prefix> originate;  // extra routes it originates (e.g. a default route)
  std::string rack;               // optional grouping for reports
  SourceLoc loc;
};

// A point-to-point link between two routers, or a router and a segment, with its latency.
struct Link {
  std::string name;
  std::string a;
  std::string b;
  Micros latency = 100;
  SourceLoc loc;
};

// BGP timer overrides (peerlab/v1 kind BGPTimers). `profile` selects the base: "bird" (BIRD 2
// defaults) or "calico" (calico/node v3's template).
struct TimerSettings {
  std::string profile = "bird";
  std::optional<Millis> hold, keepalive, connect_delay, connect_retry, error_wait_min, error_wait_max,
      graceful_restart_time;
  std::optional<bool> graceful_restart;
  SourceLoc loc;
  bool present = false;

  TimerConfig resolve() const;
};

// The limits `peerlab check` measures a design against (peerlab/v1 kind CheckLimits). Every field
// is optional: unset ones fall back to the defaults drawn from the Calico documentation
// (validators/checks.hpp ScaleLimits, validators/lint.hpp LintOptions); a command-line flag wins
// over the file. Each value keeps the position it was written at, for the findings that cite it.
struct CheckLimitValue {
  std::optional<std::int64_t> value;
  SourceLoc loc;
};
struct CheckLimitSettings {
  CheckLimitValue max_sessions_per_node;  // maxSessionsPerNode
  CheckLimitValue max_routes_per_router;  // maxRoutesPerRouter
  CheckLimitValue max_routes_per_node;    // maxRoutesPerNode
  CheckLimitValue max_convergence;        // maxConvergence, a duration (microseconds)
  CheckLimitValue mesh_limit;             // meshLimit: nodes in a full mesh
  CheckLimitValue reflector_client_limit;  // reflectorClientLimit: clients per route reflector
  SourceLoc loc;
  bool present = false;
};

struct Topology {
  ClusterConfig config;
  std::vector<Node> nodes;
  std::vector<BgpPeer> peers;
  std::vector<IpPool> pools;
  std::vector<Segment> segments;
  std::vector<Router> routers;
  std::vector<Link> links;
  TimerSettings timers;
  CheckLimitSettings check_limits;

  const Node* find_node(std::string_view name) const;
  const Router* find_router(std::string_view name) const;
};

// Sorts every resource list into its canonical order (calicoctl/etcd order: nodes by name; global
// peers before node peers, then by node, then by address; pools by CIDR; fabric by name).
void canonical_sort(Topology& t);

std::string_view to_string(RouterRole r);
std::string_view to_string(IpipMode m);
std::string format_cluster_id(std::uint32_t id);  // dotted quad
std::string format_duration(Micros us);           // "100us", "2ms", "1.5s"

}  // namespace peerlab
