// The underlay: which address can reach which, over which path, with what latency.
//
// Vertices are hosts (Calico nodes and fabric routers) and L2 segments. A host is attached to
// every segment one of its addresses lies in; segments are the declared ones plus, for addresses
// outside every declared segment, one implicit segment per subnet (the prefix length written with
// the address) — so a file of plain calicoctl resources, with no fabric at all, puts nodes that
// share a subnet on one L2 segment, as the source document's world assumes. Links join two
// routers, or a router and a segment. Only routers forward between segments; Calico nodes are
// end hosts here.
//
// A path is the lowest-latency route through up vertices (Dijkstra over Boost.Graph). Two hosts
// on one segment reach each other directly without a search, which keeps a 10,000-node mesh on
// one segment cheap. Faults (host, segment or link down) change the graph; cached routes are
// dropped when they do.
//
// This layer answers "can a packet from A reach B" only; what a TCP connection attempt does (no
// answer, refused, accepted) is the speaker's business, which asks `owner_of` and `path`.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/time.hpp"
#include "topology/ip.hpp"
#include "topology/model.hpp"

namespace peerlab::sim {

using HostId = std::uint32_t;
inline constexpr HostId kNoHost = std::numeric_limits<HostId>::max();

struct UnderlayPath {
  bool reachable = false;
  Time latency = 0;         // one way
  std::vector<HostId> via;  // routers crossed, in order (empty: same segment)
};

class Underlay {
 public:
  // Hosts are registered in this order: every node with an address (in model order), then every
  // router; HostId is the index.
  explicit Underlay(const Topology& t);

  std::size_t host_count() const { return hosts_.size(); }
  const std::string& host_name(HostId h) const { return hosts_[h].name; }
  HostId host_by_name(const std::string& name) const;
  bool is_router(HostId h) const { return hosts_[h].router; }

  // The host that owns `a` (exact address), or kNoHost: nobody is there.
  HostId owner_of(const IpAddr& a) const;

  // The path a packet from `from` to `to` takes now, given the current faults. A down endpoint
  // is unreachable (its interfaces are down with it).
  UnderlayPath path(HostId from, HostId to) const;
  // Whether path(from, to) is reachable, without building the path: the simulator asks this
  // for every message sent and delivered. Inline for the common case, two hosts up on the one
  // segment each has (every pair of a Calico cluster on one subnet); the rest out of line.
  bool reachable(HostId from, HostId to) const {
    if (from < reach_.size() && to < reach_.size()) {
      const HostReach a = reach_[from], b = reach_[to];
      if (a.up && b.up && a.segment == b.segment && a.segment != kSeveral && segments_[a.segment].up)
        return true;
    }
    return reachable_otherwise(from, to);
  }

  // Faults. Names are those of the model (node, router, segment, link); false if unknown.
  bool set_host_up(const std::string& name, bool up);
  bool set_segment_up(const std::string& name, bool up);
  bool set_link_up(const std::string& name, bool up);
  bool host_up(HostId h) const { return reach_[h].up; }

  // Changes whenever reachable() may answer differently: a new value for every Underlay built
  // and after every fault call, never one used before in this process (0 never), so that a
  // cache of reachable() keyed by it can only match the state it was computed in.
  std::uint32_t version() const { return version_; }

  std::size_t segment_count() const { return segments_.size(); }

 private:
  struct Host {
    std::string name;
    bool router = false;
    std::vector<std::uint32_t> segments;  // indices into segments_
  };
  struct Seg {
    std::string name;
    Prefix cidr;
    Time latency;
    bool up = true;
    bool implicit = false;
  };
  struct Edge {  // a link: between two hosts, or a host and a segment
    std::string name;
    bool a_is_segment = false, b_is_segment = false;
    std::uint32_t a = 0, b = 0;
    Time latency = 0;
    bool up = true;
  };

  std::uint32_t vertex_of_segment(std::uint32_t s) const {
    return static_cast<std::uint32_t>(hosts_.size()) + s;
  }
  const std::vector<UnderlayPath>& routes_from(HostId from) const;
  bool reachable_otherwise(HostId from, HostId to) const;
  // After a fault call: drops the cached routes and takes a new version.
  void changed();

  std::vector<Host> hosts_;
  std::vector<Seg> segments_;
  std::vector<Edge> links_;
  // Per host (by HostId, like hosts_), packed for reachable(): whether it is up, and its segment
  // when it has exactly one (most hosts; kSeveral otherwise).
  static constexpr std::uint32_t kSeveral = std::numeric_limits<std::uint32_t>::max();
  struct HostReach {
    std::uint32_t segment = kSeveral;
    bool up = true;
  };
  std::vector<HostReach> reach_;
  std::unordered_map<IpAddr, HostId, IpAddrHash> owner_;
  std::unordered_map<std::string, HostId> host_index_;
  // Shortest paths from a host to every host, computed on demand; cleared on every fault.
  mutable std::unordered_map<HostId, std::vector<UnderlayPath>> cache_;
  std::uint32_t version_ = 0;
};

}  // namespace peerlab::sim
