// Peering derivation (see peerings.hpp).
#include "topology/peerings.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "topology/selector.hpp"

namespace peerlab {

namespace {

std::uint32_t hash_router_id(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return h;
}

std::optional<IpAddr> address_of(const Node& n, Family f) {
  const auto& a = f == Family::V4 ? n.ipv4_address : n.ipv6_address;
  if (!a) return std::nullopt;
  return a->addr;
}

bool owns(const Node& n, const IpAddr& a) {
  return (n.ipv4_address && n.ipv4_address->addr == a) || (n.ipv6_address && n.ipv6_address->addr == a);
}

const char* name_prefix(PeerType type) {
  switch (type) {
    case PeerType::Mesh:
      return "Mesh_";
    case PeerType::Global:
      return "Global_";
    case PeerType::NodeSpecific:
      return "Node_";
    case PeerType::Fabric:
      return "Peer_";
  }
  return "";
}

std::string name_for(PeerType type, std::string_view suffix) {
  std::string_view prefix = name_prefix(type);
  std::string name;
  name.reserve(prefix.size() + suffix.size());
  name += prefix;
  name += suffix;
  return name;
}

struct Builder {
  const Topology& t;
  TimerConfig timers;
  std::vector<SpeakerConfig> speakers;
  std::vector<const Node*> nodes;            // speakers[i] for i < nodes.size()
  std::map<std::string, std::size_t> index;  // node name -> speaker index

  AsNumber as_of(const Node& n) const { return n.as_number.value_or(t.config.effective_as()); }

  // Every address a Calico node peers with gets a dense id, with its text and protocol-name
  // suffix formatted once: a full mesh of n nodes names n * (n - 1) sessions after only n
  // addresses, and formatting them per session was most of the derivation's time.
  struct PeerAddress {
    std::string text;    // to_string(address), which Calico compares to pick the passive side
    std::string suffix;  // protocol_suffix(address)
  };
  std::unordered_map<IpAddr, std::uint32_t, IpAddrHash> address_ids;
  std::vector<PeerAddress> addresses;

  std::uint32_t address_id(const IpAddr& a) {
    auto [it, inserted] = address_ids.try_emplace(a, static_cast<std::uint32_t>(addresses.size()));
    if (inserted) addresses.push_back({to_string(a), protocol_suffix(a)});
    return it->second;
  }

  // Addresses each node already has a session to, by address id (the first peering to an address
  // wins, as in confd's passes); a bit per address keeps derivation linear in the number of
  // sessions without a hash set per node.
  std::vector<std::vector<bool>> peered;

  // Adds a Calico node's session to `peer` unless one to that address exists or it is itself.
  void add_node_session(std::size_t si, PeerType type, const IpAddr& peer, AsNumber peer_as,
                        std::optional<std::uint32_t> peer_cluster, int allow_local_as, bool keep_next_hop) {
    const Node& self = *nodes[si];
    SpeakerConfig& s = speakers[si];
    if (owns(self, peer)) return;
    const std::uint32_t id = address_id(peer);
    std::vector<bool>& seen = peered[si];
    if (id < seen.size() && seen[id]) return;
    auto source = address_of(self, peer.family);
    if (!source) return;  // no address of that family: BIRD (bird6) is not configured for it
    NeighborConfig n;
    n.protocol_name = name_for(type, addresses[id].suffix);
    n.type = type;
    n.peer_address = peer;
    n.peer_as = peer_as;
    n.source_address = source;
    n.multihop = true;
    n.allow_local_as = allow_local_as;
    n.next_hop_keep = keep_next_hop && peer_as != s.local_as;
    n.timers = timers;
    if (type == PeerType::Mesh) {
      const std::uint32_t source_id = address_id(*source);  // may grow `addresses`: look up first
      n.passive = addresses[id].text > addresses[source_id].text;
    }
    // v3 route-reflector rule.
    if (peer_as == s.local_as && self.route_reflector_cluster_id &&
        peer_cluster != self.route_reflector_cluster_id) {
      n.rr_client = true;
      n.rr_cluster_id = self.route_reflector_cluster_id;
    }
    if (id >= seen.size()) seen.resize(addresses.size());  // ids are below addresses.size()
    seen[id] = true;
    s.neighbors.push_back(std::move(n));
  }

  // Nodes a v3 peer applies to: its node, the nodes its nodeSelector matches, or all.
  std::vector<std::size_t> applies_to(const BgpPeer& p) const {
    std::vector<std::size_t> out;
    Selector sel = Selector::parse(p.node_selector.empty() ? "all()" : p.node_selector);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (p.scope == PeerScope::Node ? nodes[i]->name == p.node : sel.matches(nodes[i]->labels))
        out.push_back(i);
    }
    return out;
  }

  // The peer nodes a v3 peer names: by peerSelector, or the node owning peerIP with that AS.
  std::vector<std::size_t> peer_nodes(const BgpPeer& p) const {
    std::vector<std::size_t> out;
    if (!p.peer_selector.empty()) {
      Selector sel = Selector::parse(p.peer_selector);
      for (std::size_t i = 0; i < nodes.size(); ++i)
        if (sel.matches(nodes[i]->labels)) out.push_back(i);
    } else if (p.peer_ip) {
      for (std::size_t i = 0; i < nodes.size(); ++i)
        if (owns(*nodes[i], *p.peer_ip) && (!p.as_number || *p.as_number == as_of(*nodes[i])))
          out.push_back(i);
    }
    return out;
  }
};

void assign_blocks(const Topology& t, Builder& b, int blocks_per_node) {
  std::vector<Prefix> pools;
  for (const auto& p : t.pools)
    if (!p.disabled) pools.push_back(p.cidr.masked());
  std::vector<Prefix> all_pools;
  for (const auto& p : t.pools) all_pools.push_back(p.cidr.masked());
  if (t.pools.empty()) pools = all_pools = default_pools();
  for (Family f : {Family::V4, Family::V6}) {
    const int block_len = f == Family::V4 ? 26 : 122;
    // Blocks are handed out in node order from the pools of the family, first pool first.
    std::vector<Prefix> fam;
    for (const auto& p : pools)
      if (p.addr.family == f && p.length <= block_len) fam.push_back(p);
    std::size_t pool = 0;
    std::uint64_t next = 0;
    for (std::size_t i = 0; i < b.nodes.size() && !fam.empty(); ++i) {
      if (!address_of(*b.nodes[i], f)) continue;
      for (int k = 0; k < blocks_per_node && pool < fam.size(); ++k) {
        auto block = nth_subnet(fam[pool], block_len, next);
        while (!block && ++pool < fam.size()) next = 0, block = nth_subnet(fam[pool], block_len, next);
        if (!block) break;
        b.speakers[i].originated.push_back(*block);
        ++next;
      }
    }
  }
  for (std::size_t i = 0; i < b.nodes.size(); ++i) b.speakers[i].export_only_within = all_pools;
}

}  // namespace

std::vector<Prefix> default_pools() {
  return {*parse_prefix("192.168.0.0/16"), *parse_prefix("fd80:24e2:f998:72d6::/64")};
}

std::vector<SpeakerConfig> derive_speakers(const Topology& t, const DeriveOptions& opts) {
  Builder b{t, t.timers.resolve(), {}, {}, {}, {}, {}, {}};
  for (const auto& n : t.nodes) {
    if (!n.has_bgp || (!n.ipv4_address && !n.ipv6_address)) continue;
    SpeakerConfig s;
    s.name = n.name;
    s.kind = SpeakerKind::CalicoNode;
    s.local_as = b.as_of(n);
    s.router_id = n.ipv4_address ? n.ipv4_address->addr.v4_value() : hash_router_id(n.name);
    if (n.ipv4_address) s.addresses.push_back(n.ipv4_address->addr);
    if (n.ipv6_address) s.addresses.push_back(n.ipv6_address->addr);
    b.index[n.name] = b.speakers.size();
    b.nodes.push_back(&n);
    b.speakers.push_back(std::move(s));
  }
  const std::size_t nn = b.nodes.size();
  b.peered.resize(nn);
  // The nodes' own addresses first: a mesh peers with every one of them.
  b.address_ids.reserve(2 * nn);
  for (const Node* n : b.nodes)
    for (Family f : {Family::V4, Family::V6})
      if (auto a = address_of(*n, f)) b.address_id(*a);

  // Global peer addresses, for the node-vs-global dedup.
  std::set<IpAddr> global_ips;
  for (const auto& p : t.peers)
    if (p.scope == PeerScope::Global && p.node_selector.empty() && p.peer_selector.empty() && p.peer_ip)
      global_ips.insert(*p.peer_ip);

  auto cluster_of = [&](const IpAddr& a) -> std::optional<std::uint32_t> {
    for (const Node* n : b.nodes)
      if (owns(*n, a)) return n->route_reflector_cluster_id;
    return std::nullopt;
  };

  for (std::size_t i = 0; i < nn; ++i) {
    const Node& self = *b.nodes[i];
    // 1. The node-to-node mesh.
    if (t.config.effective_mesh()) {
      b.speakers[i].neighbors.reserve(b.addresses.size());
      b.peered[i].reserve(b.addresses.size());
      for (std::size_t j = 0; j < nn; ++j) {
        if (j == i) continue;
        for (Family f : {Family::V4, Family::V6})
          if (auto a = address_of(*b.nodes[j], f))
            b.add_node_session(i, PeerType::Mesh, *a, b.as_of(*b.nodes[j]),
                               b.nodes[j]->route_reflector_cluster_id, 0, false);
      }
    }
    // 2. Global peers.
    for (const auto& p : t.peers)
      if (p.scope == PeerScope::Global && p.node_selector.empty() && p.peer_selector.empty() && p.peer_ip)
        b.add_node_session(i, PeerType::Global, *p.peer_ip, *p.as_number, cluster_of(*p.peer_ip),
                           p.num_allowed_local_as, p.keep_original_next_hop);
    // 3. Node-specific peers: v1 node scope, v3 node / nodeSelector / peerSelector.
    for (const auto& p : t.peers) {
      bool global_form = p.scope == PeerScope::Global && p.node_selector.empty() && p.peer_selector.empty();
      if (global_form) continue;
      bool applies = p.node == self.name;
      if (p.flavor == ApiFlavor::V3) {
        auto targets = b.applies_to(p);
        applies = std::find(targets.begin(), targets.end(), i) != targets.end();
      }
      if (!applies) continue;
      if (p.peer_ip) {
        if (global_ips.count(*p.peer_ip)) continue;
        b.add_node_session(i, PeerType::NodeSpecific, *p.peer_ip, *p.as_number, cluster_of(*p.peer_ip),
                           p.num_allowed_local_as, p.keep_original_next_hop);
      } else {
        for (std::size_t j : b.peer_nodes(p)) {
          if (j == i) continue;
          for (Family f : {Family::V4, Family::V6})
            if (auto a = address_of(*b.nodes[j], f))
              b.add_node_session(i, PeerType::NodeSpecific, *a, b.as_of(*b.nodes[j]),
                                 b.nodes[j]->route_reflector_cluster_id, p.num_allowed_local_as,
                                 p.keep_original_next_hop);
        }
      }
    }
  }
  // 4. Reverse peerings of v3 BGPPeers, after every explicit one exists.
  for (const auto& p : t.peers) {
    if (p.flavor != ApiFlavor::V3) continue;
    auto from = b.applies_to(p);
    for (std::size_t j : b.peer_nodes(p))
      for (std::size_t i : from) {
        if (i == j) continue;
        for (Family f : {Family::V4, Family::V6})
          if (auto a = address_of(*b.nodes[i], f))
            b.add_node_session(j, PeerType::NodeSpecific, *a, b.as_of(*b.nodes[i]),
                               b.nodes[i]->route_reflector_cluster_id, p.num_allowed_local_as,
                               p.keep_original_next_hop);
      }
  }
  assign_blocks(t, b, opts.blocks_per_node);

  // Fabric routers run what they declare.
  for (const auto& r : t.routers) {
    SpeakerConfig s;
    s.name = r.name;
    s.kind = SpeakerKind::Router;
    s.local_as = r.as_number;
    std::optional<std::uint32_t> lowest_v4;
    for (const auto& a : r.addresses) {
      s.addresses.push_back(a.addr);
      if (a.addr.family == Family::V4 && (!lowest_v4 || a.addr.v4_value() < *lowest_v4))
        lowest_v4 = a.addr.v4_value();
    }
    s.router_id = r.router_id.value_or(lowest_v4.value_or(hash_router_id(r.name)));
    s.originated = r.originate;
    auto source_for = [&](const IpAddr& peer) -> std::optional<IpAddr> {
      for (const auto& a : r.addresses)
        if (a.addr.family == peer.family && a.contains(peer)) return a.addr;
      for (const auto& a : r.addresses)
        if (a.addr.family == peer.family) return a.addr;
      return std::nullopt;
    };
    for (const auto& rn : r.neighbors) {
      NeighborConfig n;
      n.protocol_name = name_for(PeerType::Fabric, protocol_suffix(rn.address));
      n.type = PeerType::Fabric;
      n.peer_address = rn.address;
      n.peer_as = rn.as_number;
      n.source_address = source_for(rn.address);
      n.passive = rn.passive;
      n.rr_client = rn.route_reflector_client;
      if (rn.route_reflector_client) n.rr_cluster_id = r.route_reflector_cluster_id;
      n.allow_local_as = rn.allow_local_as.value_or(r.allow_local_as);
      n.next_hop_self = rn.next_hop_self;
      n.timers = b.timers;
      s.neighbors.push_back(std::move(n));
    }
    for (const auto& rr : r.neighbor_ranges) {
      NeighborRange range;
      range.protocol_prefix = "Dyn";
      range.range = rr.range;
      range.peer_as = rr.as_number;
      range.templ.type = PeerType::Fabric;
      range.templ.rr_client = rr.route_reflector_client;
      if (rr.route_reflector_client) range.templ.rr_cluster_id = r.route_reflector_cluster_id;
      range.templ.allow_local_as = rr.allow_local_as.value_or(r.allow_local_as);
      range.templ.next_hop_self = rr.next_hop_self;
      range.templ.timers = b.timers;
      range.templ.source_address = source_for(rr.range.addr);
      s.neighbor_ranges.push_back(std::move(range));
    }
    b.speakers.push_back(std::move(s));
  }
  return std::move(b.speakers);  // a member: not moved implicitly, and a mesh has millions of entries
}

}  // namespace peerlab
