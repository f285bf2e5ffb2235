// What each BGP speaker runs: the configuration calico/node's confd would render into BIRD for a
// Calico node (calico-model.md §3), or what a fabric router declares. This is the contract between
// the model (topology/) and the simulator (sim/): the simulator never sees resources, only these
// plain structs, and a configuration change reaches it as a new set of them (compared per speaker,
// as BIRD's reconfigure compares protocols).
//
// Times are integer milliseconds of simulated time.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "topology/ip.hpp"

namespace peerlab {

using AsNumber = std::uint32_t;
using Millis = std::int64_t;
// A configured timer: 32-bit milliseconds, at most kMaxTimerMillis (checked where timers are
// read). The simulator keeps a TimerConfig per session end, a million in a 1,000-node mesh.
using TimerMillis = std::int32_t;
inline constexpr Millis kMaxTimerMillis = std::numeric_limits<TimerMillis>::max();  // 35,791 minutes

// How a peering came about; calicoctl node status prints it as the "Peer type" column.
enum class PeerType : std::uint8_t {
  Mesh,          // node-to-node mesh (protocol Mesh_<ip>)
  Global,        // global bgpPeer (Global_<ip>)
  NodeSpecific,  // node-scoped bgpPeer or v3 selector peer (Node_<ip>)
  Fabric,        // a neighbour declared on a fabric router
};

// RFC 4271 §10 timers plus BIRD's connect delay and error wait (bird-behaviour.md, "BIRD default
// timers"). Defaults are BIRD 2's; `calico_v3()` is the calico/node v3 template's profile.
struct TimerConfig {
  TimerMillis hold = 240'000;           // proposed hold time; the session uses min of both sides
  TimerMillis keepalive = 0;            // 0 = negotiated hold / 3
  TimerMillis startup_hold = 240'000;   // hold time while waiting for the peer's OPEN
  TimerMillis connect_delay = 5'000;    // before the first connect and after a refused/closed attempt
  TimerMillis connect_retry = 120'000;  // while a TCP connect is pending (Connect state)
  TimerMillis error_wait_min = 60'000;  // before restarting after an error; doubles per consecutive error
  TimerMillis error_wait_max = 300'000;
  bool graceful_restart = false;  // calico/node sets `graceful restart`; BIRD default is aware only
  TimerMillis graceful_restart_time = 120'000;

  static TimerConfig bird_defaults() { return {}; }
  static TimerConfig calico_v3() {
    TimerConfig t;
    t.connect_delay = 2'000;
    t.connect_retry = 5'000;
    t.error_wait_min = 5'000;
    t.error_wait_max = 30'000;
    t.graceful_restart = true;
    return t;
  }
  bool operator==(const TimerConfig&) const = default;
};

// (Fields ordered to leave little padding: the simulator keeps one per session end.)
struct NeighborConfig {
  std::string protocol_name;  // e.g. Mesh_10_0_0_2, Global_192_20_30_40, Node_aa_bb__ff
  IpAddr peer_address;
  std::optional<IpAddr> source_address;  // calico/node: the node's own address
  PeerType type = PeerType::Mesh;
  bool passive = false;        // wait for the peer to connect (Calico's one-way mesh)
  bool multihop = true;        // calico/node uses multihop; fabric links may be direct
  bool rr_client = false;      // RFC 4456: this neighbour is our route-reflector client
  bool next_hop_self = false;  // force NEXT_HOP to our address (also on iBGP)
  bool next_hop_keep = false;  // keep the received NEXT_HOP on eBGP (keepOriginalNextHop)
  AsNumber peer_as = 0;
  std::optional<std::uint32_t> rr_cluster_id;  // per-session cluster id (BIRD `rr cluster id`)
  int allow_local_as = 0;                      // BIRD `allow local as N` (Calico numAllowedLocalASNumbers)
  TimerConfig timers;

  bool operator==(const NeighborConfig&) const = default;
};

// A range of addresses from which a router accepts sessions it has no explicit neighbour for
// (a "neighbor range"/dynamic neighbour); sessions from it are named <prefix>_<peer ip>.
struct NeighborRange {
  std::string protocol_prefix;
  Prefix range;
  std::optional<AsNumber> peer_as;  // nullopt: accept any AS (external or internal as it comes)
  NeighborConfig templ;             // options applied to sessions accepted from this range
  bool operator==(const NeighborRange&) const = default;
};

enum class SpeakerKind : std::uint8_t { CalicoNode, Router };

// A speaker's configuration but its neighbour list: what the simulator keeps of it as given (it
// keeps each neighbour per session end instead, in a compact form; see sim::Network).
struct SpeakerSettings {
  std::string name;
  SpeakerKind kind = SpeakerKind::CalicoNode;
  AsNumber local_as = 0;
  std::uint32_t router_id = 0;    // BGP identifier (IPv4 address of the speaker)
  std::vector<IpAddr> addresses;  // where it listens and sources sessions
  std::vector<NeighborRange> neighbor_ranges;
  std::vector<Prefix> originated;  // routes it originates (a node's IPAM blocks)
  // Export filter: when set, only prefixes inside one of these are exported (calico_pools).
  std::optional<std::vector<Prefix>> export_only_within;
  std::optional<std::uint32_t> cluster_id;  // default RR cluster id when a session sets none

  bool operator==(const SpeakerSettings&) const = default;
};

struct SpeakerConfig : SpeakerSettings {
  std::vector<NeighborConfig> neighbors;

  bool operator==(const SpeakerConfig&) const = default;
};

}  // namespace peerlab
