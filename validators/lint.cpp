// Static design lint (see lint.hpp).
//
// Everything works on the speakers `derive_speakers` renders (what confd would give BIRD, plus the
// routers' own declarations), matched by address into sessions:
//
// - A neighbour entry of speaker A for address X is *answered* when the speaker B owning X has a
//   neighbour for one of A's addresses such that one side's connection is accepted by the other
//   (B's entry names the address A connects from, or A's entry names the address B connects from,
//   which is what the simulator accepts, sim/network.cpp `find_acceptor`), or when B has a
//   neighbour range holding the address A connects from.
// - A session is *up-able* when it is answered, both sides name the other's real AS, and at least
//   one side is active. Propagation checks (L11x, L131) run on the up-able sessions only: the
//   broken ones are reported by the L10x checks.
// - Route propagation inside an AS follows RFC 4456 §6: a speaker passes a route it originated or
//   learned over eBGP to every iBGP peer; one learned from a client to every iBGP peer; one learned
//   from a non-client only to its clients. A speaker with no client is an ordinary iBGP speaker and
//   passes on nothing it learned over iBGP (RFC 4271 §9.2).
// - AS_PATH loop detection (RFC 4271 §9.1.2; BIRD drops such routes on iBGP sessions too,
//   bird-behaviour.md (e2b)) applies unless the receiving session allows the local AS
//   (`allow local as`, Calico numAllowedLocalASNumbers, a router's allowLocalAS).
//
// RFC says / we do: RFC 4456 checks CLUSTER_LIST against one cluster id per reflector; calico/node
// sets BIRD's `rr cluster id` on client sessions only, so BIRD reflectors sharing an id accept each
// other's reflected routes (bird-behaviour.md (b)). L115 warns about the RFC behaviour anyway: the
// design is not portable to other reflectors.
#include "validators/lint.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

#include "topology/peerings.hpp"
#include "topology/selector.hpp"

namespace peerlab::validators {

namespace {

using Sev = FindingSeverity;

// ---- the catalogue -----------------------------------------------------------------------------

const std::vector<LintRule> kRules = {
    {"L101", "one-sided peering", Sev::Error,
     "A BGP session needs a peering configured on both ends. The speaker at the far address has no "
     "neighbour for this side (and no neighbour range covering it), so every connection attempt is "
     "refused or reset and the session never reaches Established; calicoctl node status shows it in "
     "state start with Active, Connect or Passive for ever. No routes flow over it.",
     "Configure the other end: a bgpPeer (node scope, or a v3 BGPPeer, whose reverse peering Calico "
     "adds by itself) for a Calico node, a neighbour or neighbour range on a router. Or remove this "
     "peering if it is a mistake."},
    {"L102", "AS mismatch", Sev::Error,
     "Each side of a BGP session states the AS it expects the other to have. When the OPEN message "
     "carries a different AS, the receiver answers with a NOTIFICATION 'Bad peer AS' and the session "
     "keeps cycling through Idle and error waits (BIRD: 'Idle BGP Error: Bad peer AS'). It never comes "
     "up.",
     "Set the asNumber of the peering to the AS the speaker at that address really has (a node's "
     "asNumber, else the cluster default; a router's asNumber)."},
    {"L103", "duplicate session", Sev::Warning,
     "Two peerings to one neighbour address become two BIRD protocols for the same neighbour "
     "(Mesh_x and Global_x or Node_x). BIRD locks a neighbour to one protocol: the second stays in "
     "start/Idle for ever, and which one wins depends on start-up order. Its settings (AS number, "
     "allowLocalAS) may silently not apply. calico/node v3 skips a node-specific peering to an "
     "address that is also a global peer; the v1 templates render both; nothing removes a peering "
     "that duplicates the node-to-node mesh.",
     "Keep one peering per neighbour: turn the node-to-node mesh off when explicit peers or route "
     "reflectors carry the routes, and delete the node-specific peer that repeats a global one."},
    {"L104", "peer is the node itself", Sev::Info,
     "A global peer (or a v3 BGPPeer selecting nodes) whose address belongs to one of the nodes it "
     "applies to: calico/node recognises its own address and skips that peering on that node, while "
     "every other node peers with it. This is often intended (a node acting as the peer for all "
     "others); it is listed so that it is a choice, not an accident.",
     "Nothing, if the node is meant to be everyone's peer. Otherwise use the address of the intended "
     "peer, or narrow the peer's nodeSelector."},
    {"L105", "peer outside the model", Sev::Info,
     "The peering names an address that no node or router of this topology has. Lint cannot check "
     "the far side (its AS, whether it peers back), and a simulation has nobody there: the session "
     "shows Connect or Active for ever.",
     "Add the peer to the topology as a Router (with its neighbours) to check and simulate it, or "
     "correct the address."},
    {"L106", "selector that selects nothing", Sev::Warning,
     "A v3 BGPPeer applies to the nodes its nodeSelector matches and peers them with the nodes its "
     "peerSelector matches. A selector that matches no BGP node (or a pair of selectors that matches "
     "only one node on both sides, and a node never peers with itself) makes the resource a no-op: "
     "the peerings the design counts on do not exist.",
     "Correct the selector or the node labels (calicoctl get nodes -o yaml shows them), or delete the "
     "BGPPeer."},
    {"L107", "both sides passive", Sev::Error,
     "A passive BGP speaker waits for the other side to connect. When both ends of a peering are "
     "passive (a passive neighbour entry towards a router that accepts the session only through a "
     "neighbour range, which is always passive, or another passive entry), nobody opens the TCP "
     "connection and the session stays in Active/Passive for ever.",
     "Make one side active: remove 'passive' from one neighbour entry, or give the router an explicit "
     "(active) neighbour instead of the range."},
    {"L111", "node without a BGP session", Sev::Error,
     "A Calico node announces its workloads' address blocks over BGP and learns the other nodes' "
     "blocks the same way. A node with no peering at all is cut off: its pods are unreachable from "
     "other nodes and it has no routes to theirs. With the node-to-node mesh off, every node needs an "
     "explicit peering.",
     "Add a peering for the node (a node-scope bgpPeer to its ToR or route reflector, a global peer, "
     "or a v3 BGPPeer whose nodeSelector matches it), or turn the mesh on."},
    {"L112", "iBGP without full mesh or reflection", Sev::Error,
     "Inside one AS, a BGP speaker does not pass a route learned from one iBGP peer to another iBGP "
     "peer (RFC 4271 §9.2): iBGP needs a full mesh, or route reflectors (RFC 4456). Here the iBGP "
     "sessions form a chain or a star around a speaker that does not reflect, so routes stop there "
     "and some speakers never learn others' routes. Sessions come up; the routes are simply missing.",
     "Make the speaker in the middle a route reflector (a router: routeReflectorClient on its "
     "neighbours; a Calico node: spec.bgp.routeReflectorClusterID), peer the speakers with each other, "
     "or turn the node-to-node mesh on."},
    {"L113", "single route reflector", Sev::Warning,
     "These nodes learn every route from one route reflector and have no other BGP session. If it "
     "fails (or restarts without graceful restart) they lose every route until it is back. Calico's "
     "guidance is route reflectors 'typically 2 for redundancy', each client peering with every "
     "reflector of its cluster.",
     "Add a second route reflector (same cluster id, same clients) and peer every client with both."},
    {"L114", "route reflector in the node-to-node mesh", Sev::Warning,
     "A node with routeReflectorClusterID reflects for every iBGP peer whose cluster id differs, and "
     "with the mesh on that is every other node: each node gets every route twice (directly and "
     "reflected), doubling table size and update traffic for nothing. Usually the mesh was meant to "
     "be turned off when the reflectors were introduced.",
     "Turn the node-to-node mesh off (calicoctl config set nodeToNodeMesh off, or "
     "nodeToNodeMeshEnabled: false) once the reflector peerings exist, or remove the cluster id."},
    {"L115", "route reflectors share a cluster id but not their clients", Sev::Warning,
     "RFC 4456 reflectors in one cluster share a cluster id and discard a route whose CLUSTER_LIST "
     "already holds it: that prevents loops among redundant reflectors that serve the same clients. "
     "Reflectors that share the id but serve different clients then drop each other's reflected "
     "routes, and clients of one never learn the routes of the other's clients. BIRD, as calico/node "
     "configures it, sets the cluster id on client sessions only and accepts these routes, so the "
     "design works with BIRD but breaks with other reflectors (hardware ToRs, FRR, GoBGP).",
     "Give reflectors that serve different clients different cluster ids (e.g. one per rack), and "
     "keep one id only for redundant reflectors that serve the same clients."},
    {"L116", "route reflector with too many clients", Sev::Warning,
     "One route reflector serves more clients than the configured limit. Every update is sent to "
     "every client; memory, CPU and convergence time grow with the client count. Calico's guidance: "
     "each reflector handles 'tens or hundreds' of clients.",
     "Split the clients over more reflectors (one cluster per rack or per group of nodes), or raise "
     "the limit if this reflector is sized for it."},
    {"L121", "mesh beyond its scale", Sev::Warning,
     "In the node-to-node mesh every node peers with every other: N(N-1)/2 sessions, N-1 per node, "
     "and every node change touches all of them. Calico's guidance: the full mesh works for 'say 100 "
     "nodes or less'; beyond that use route reflectors.",
     "Turn the mesh off and use route reflectors (in-cluster reflector nodes, or the ToRs), or a "
     "ToR-based design."},
    {"L122", "mesh across L2 segments", Sev::Warning,
     "iBGP keeps the next hop: a node learns another node's blocks with that node's address as the "
     "next hop. Across L2 segments that address is not directly reachable, so the node sends pod "
     "traffic to its default gateway, and the routers between the segments know no pod routes and "
     "drop it. Calico's documentation: the full mesh is useful where all nodes are on the same L2 "
     "network.",
     "Enable IPIP (ipPool ipip mode cross-subnet or always, v3 ipipMode CrossSubnet) so traffic is "
     "encapsulated to the next hop, or peer the nodes with their ToRs (AS per rack) so the fabric "
     "learns the pod routes."},
    {"L131", "AS split: loop detection drops routes", Sev::Error,
     "A speaker drops a route whose AS_PATH already holds its own AS (RFC 4271 §9.1.2; BIRD does so "
     "on iBGP sessions too). When one AS is used in parts that no iBGP session joins (the same AS "
     "in two racks, or every Calico node in one AS peering over eBGP with its ToR), routes between "
     "the parts cross other ASes and arrive with the local AS in their path: they are dropped "
     "silently, as withdrawals, while every session shows Established.",
     "Give each part its own AS (AS per rack, AS per compute server), or join the parts with iBGP, "
     "or allow the local AS on every session the routes are received over (Calico BGPPeer "
     "numAllowedLocalASNumbers: 1, router allowLocalAS: 1) — which disables loop prevention there."},
    {"L132", "reserved AS number", Sev::Warning,
     "AS 0 (RFC 7607), 23456 (AS_TRANS, RFC 6793), 65535 and 4294967295 (RFC 7300) and 65552-131071 "
     "(IANA) are reserved. Speakers reject AS 0 in OPEN messages; AS_TRANS is what 4-byte speakers "
     "send to 2-byte ones in place of their real AS, so using it as a real AS makes paths "
     "ambiguous.",
     "Use a private AS number: 64512-65534, or 4200000000-4294967294."},
    {"L133", "documentation AS number", Sev::Info,
     "AS numbers 64496-64511 and 65536-65551 are reserved for documentation and examples (RFC 5398). "
     "They work in a lab, but do not belong on a real network. Note that the source document's "
     "calicoctl defaulted to 64511, which is in that range; GA Calico defaults to 64512, the first "
     "private AS.",
     "Use a private AS number (64512-65534, or 4200000000-4294967294): set the cluster default "
     "(calicoctl config set asNumber 64512) or the node's asNumber."},
    {"L134", "public AS number on Calico nodes", Sev::Info,
     "These Calico nodes use a public AS number, which is assigned to some organisation on the "
     "Internet. Unless it is yours and the nodes are meant to speak for it, a private AS avoids "
     "confusion and leaks.",
     "Use a private AS number: 64512-65534, or 4200000000-4294967294."},
    {"L135", "2-byte private AS numbers exhausted", Sev::Warning,
     "In an AS-per-compute-server design every node has its own AS. There are only 1023 private "
     "2-byte AS numbers (64512-65534), so beyond 1023 nodes some must use public or reserved "
     "numbers. 4-byte AS numbers (RFC 6793) offer about 95 million private ones.",
     "Number the nodes from the 4-byte private range 4200000000-4294967294 (calico/node and BIRD "
     "support 4-byte AS numbers)."},
    {"L141", "duplicate BGP identifier", Sev::Error,
     "Every BGP speaker needs a unique BGP identifier (router id, RFC 6286). Two speakers with the "
     "same id cannot hold an iBGP session with each other (the OPEN is refused), a route reflector "
     "drops routes whose ORIGINATOR_ID is its own id, and collision resolution misbehaves. Calico "
     "nodes use their IPv4 address (nodes without one a hash of the name); routers their routerID, "
     "else their lowest IPv4 address.",
     "Give every speaker its own router id: correct the router's routerID, or the address it was "
     "copied from."},
};

const LintRule& rule(std::string_view code) {
  for (const auto& r : kRules)
    if (r.code == code) return r;
  return kRules.front();  // unreachable: every code used below is in the table
}

// ---- text helpers ------------------------------------------------------------------------------

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

// "a", "a and b", "a, b and c", "a, b, c, d, e and 3 more".
std::string join_list(const std::vector<std::string>& items, std::size_t limit = 5) {
  std::string out;
  std::size_t shown = items.size() > limit ? limit : items.size();
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) out += (i + 1 == shown && shown == items.size()) ? " and " : ", ";
    out += items[i];
  }
  if (shown < items.size()) out += " and " + std::to_string(items.size() - shown) + " more";
  return out;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return n == 1 ? one : many;
}

bool global_form(const BgpPeer& p) {
  return p.scope == PeerScope::Global && p.node_selector.empty() && p.peer_selector.empty();
}

std::string describe(const BgpPeer& p) {
  if (p.flavor == ApiFlavor::V3) return "BGPPeer " + quoted(p.name);
  std::string ip = p.peer_ip ? to_string(*p.peer_ip) : std::string("?");
  if (p.scope == PeerScope::Global) return "global bgpPeer " + ip;
  return "bgpPeer " + ip + " of node " + quoted(p.node);
}

enum class AsClass { Reserved, Documentation, Private, Public };

AsClass classify(AsNumber as, std::string* why = nullptr) {
  auto say = [&](const char* w) {
    if (why) *why = w;
  };
  if (as == 0) return say("reserved (RFC 7607)"), AsClass::Reserved;
  if (as == 23456)
    return say("AS_TRANS, the stand-in 4-byte speakers send to 2-byte ones (RFC 6793)"), AsClass::Reserved;
  if (as >= 64496 && as <= 64511)
    return say("in the documentation range 64496-64511 (RFC 5398)"), AsClass::Documentation;
  if (as >= 64512 && as <= 65534) return AsClass::Private;
  if (as == 65535) return say("reserved (RFC 7300)"), AsClass::Reserved;
  if (as >= 65536 && as <= 65551)
    return say("in the documentation range 65536-65551 (RFC 5398)"), AsClass::Documentation;
  if (as >= 65552 && as <= 131071) return say("reserved by IANA (65552-131071)"), AsClass::Reserved;
  if (as >= 4200000000u && as <= 4294967294u) return AsClass::Private;
  if (as == 4294967295u) return say("reserved (RFC 7300)"), AsClass::Reserved;
  return say("a public AS number"), AsClass::Public;
}

// Where a derived neighbour entry comes from: the resource to point at, and how to name it.
struct Origin {
  SourceLoc loc;
  std::string what;
  bool router_entry = false;  // a Router's neighbour entry (the speaker is the router)
  bool operator<(const Origin& o) const {
    return std::tie(loc.file, loc.line, loc.column, what) <
           std::tie(o.loc.file, o.loc.line, o.loc.column, o.what);
  }
};

// One up-able session seen from one side.
struct Adj {
  std::size_t peer;
  bool ibgp;
  bool client;         // this side treats the peer as its route-reflector client
  int allow_local_as;  // on this side
  bool peer_client;    // the peer treats this side as its client
};

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

class Linter {
 public:
  Linter(const Topology& t, const LintOptions& opts) : t_(t), opts_(opts), sp_(derive_speakers(t)) {
    index();
  }

  std::vector<Finding> run() {
    check_sessions();
    check_duplicates();
    check_self_peers();
    check_selectors();
    check_isolated_nodes();
    build_components();
    check_propagation();
    check_reflectors();
    check_mesh();
    check_split_as();
    check_as_numbers();
    check_router_ids();
    sort_findings(out_);
    return std::move(out_);
  }

 private:
  const Topology& t_;
  const LintOptions& opts_;
  std::vector<SpeakerConfig> sp_;
  std::size_t node_count_ = 0;                       // speakers [0, node_count_) are Calico nodes
  std::vector<const Node*> node_;                    // per speaker; nullptr for routers
  std::vector<const Router*> router_;                // per speaker; nullptr for nodes
  std::map<std::string, std::size_t> node_speaker_;  // node name -> speaker
  std::map<IpAddr, std::size_t> owner_;              // address -> speaker
  // Per speaker: (peer address, neighbour index), sorted, for matching by address.
  std::vector<std::vector<std::pair<IpAddr, std::size_t>>> by_peer_;
  // Per peer resource: the node speakers it applies to, and (v3) the node speakers it names.
  std::vector<std::vector<std::size_t>> applies_, names_;
  std::vector<std::vector<Adj>> adj_;
  std::vector<std::size_t> comp_;                  // iBGP component of each speaker (within its AS)
  std::vector<std::vector<std::size_t>> clients_;  // each speaker's route-reflector clients, sorted
  std::vector<Finding> out_;

  // ---- set-up ----

  void index() {
    for (const auto& s : sp_) {
      if (s.kind == SpeakerKind::CalicoNode) {
        node_speaker_[s.name] = node_.size();
        node_.push_back(t_.find_node(s.name));
        router_.push_back(nullptr);
        ++node_count_;
      } else {
        node_.push_back(nullptr);
        router_.push_back(t_.find_router(s.name));
      }
    }
    for (std::size_t i = 0; i < sp_.size(); ++i)
      for (const auto& a : sp_[i].addresses) owner_.emplace(a, i);
    by_peer_.resize(sp_.size());
    for (std::size_t i = 0; i < sp_.size(); ++i) {
      for (std::size_t k = 0; k < sp_[i].neighbors.size(); ++k)
        by_peer_[i].emplace_back(sp_[i].neighbors[k].peer_address, k);
      std::sort(by_peer_[i].begin(), by_peer_[i].end());
    }
    for (const auto& p : t_.peers) {
      applies_.push_back(applies_to(p));
      names_.push_back(peer_nodes(p));
    }
    adj_.resize(sp_.size());
  }

  std::vector<std::size_t> applies_to(const BgpPeer& p) const {
    std::vector<std::size_t> out;
    if (global_form(p)) {
      out.resize(node_count_);
      std::iota(out.begin(), out.end(), std::size_t{0});
      return out;
    }
    if (p.scope == PeerScope::Node) {
      if (auto it = node_speaker_.find(p.node); it != node_speaker_.end()) out.push_back(it->second);
      return out;
    }
    Selector sel = Selector::parse(p.node_selector.empty() ? "all()" : p.node_selector);
    for (std::size_t i = 0; i < node_count_; ++i)
      if (sel.matches(node_[i]->labels)) out.push_back(i);
    return out;
  }

  // The node speakers a v3 peer names: by peerSelector, or the node at peerIP with that AS.
  std::vector<std::size_t> peer_nodes(const BgpPeer& p) const {
    std::vector<std::size_t> out;
    if (p.flavor != ApiFlavor::V3) return out;
    if (!p.peer_selector.empty()) {
      Selector sel = Selector::parse(p.peer_selector);
      for (std::size_t i = 0; i < node_count_; ++i)
        if (sel.matches(node_[i]->labels)) out.push_back(i);
    } else if (p.peer_ip) {
      std::size_t o = owner(*p.peer_ip);
      if (o < node_count_ && (!p.as_number || *p.as_number == sp_[o].local_as)) out.push_back(o);
    }
    return out;
  }

  std::size_t owner(const IpAddr& a) const {
    auto it = owner_.find(a);
    return it == owner_.end() ? kNone : it->second;
  }
  bool is_node(std::size_t i) const { return i < node_count_; }
  static bool contains(const std::vector<std::size_t>& v, std::size_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }

  std::string who(std::size_t i) const { return (is_node(i) ? "node " : "router ") + quoted(sp_[i].name); }
  const SourceLoc& loc_of(std::size_t i) const { return is_node(i) ? node_[i]->loc : router_[i]->loc; }

  // "node 'a'", "nodes 'a', 'b' and 'c'", "router 'r' and nodes 'a' and 'b'" (routers first).
  std::string who_list(std::vector<std::size_t> v, std::size_t limit = 5) const {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    std::vector<std::string> routers, nodes;
    for (std::size_t i : v) (is_node(i) ? nodes : routers).push_back(quoted(sp_[i].name));
    std::string r =
        routers.empty() ? "" : plural(routers.size(), "router ", "routers ") + join_list(routers, limit);
    std::string n = nodes.empty() ? "" : plural(nodes.size(), "node ", "nodes ") + join_list(nodes, limit);
    return r.empty() ? n : n.empty() ? r : r + " and " + n;
  }

  void add(const char* code, const SourceLoc& loc, std::string message,
           std::vector<std::string> evidence = {}) {
    const LintRule& r = rule(code);
    Finding f;
    f.code = r.code;
    f.severity = r.severity;
    f.title = r.title;
    f.message = std::move(message);
    f.loc = loc;
    f.explanation = r.explanation;
    f.fix = r.fix;
    f.evidence = std::move(evidence);
    out_.push_back(std::move(f));
  }

  const SourceLoc& config_or(const SourceLoc& fallback) const {
    return t_.config.loc.line > 0 ? t_.config.loc : fallback;
  }

  // The resource behind neighbour `k` of speaker `a`.
  Origin origin(std::size_t a, std::size_t k) const {
    const NeighborConfig& n = sp_[a].neighbors[k];
    if (!is_node(a)) {
      const Router& r = *router_[a];
      return {r.neighbors[k].loc, "router " + quoted(r.name) + " neighbour " + to_string(n.peer_address),
              true};
    }
    const Node& self = *node_[a];
    if (n.type == PeerType::Mesh) return {config_or(self.loc), "the node-to-node mesh"};
    std::size_t far = owner(n.peer_address);
    for (std::size_t pi = 0; pi < t_.peers.size(); ++pi) {
      const BgpPeer& p = t_.peers[pi];
      if (n.type == PeerType::Global) {
        if (global_form(p) && p.peer_ip == n.peer_address) return {p.loc, describe(p)};
        continue;
      }
      if (global_form(p) || !contains(applies_[pi], a)) continue;
      if (p.peer_ip == n.peer_address) return {p.loc, describe(p)};
      if (!p.peer_selector.empty() && far != kNone && contains(names_[pi], far)) return {p.loc, describe(p)};
    }
    for (std::size_t pi = 0; pi < t_.peers.size(); ++pi)
      if (contains(names_[pi], a) && far != kNone && contains(applies_[pi], far))
        return {t_.peers[pi].loc, describe(t_.peers[pi]) + " (its reverse peering)"};
    return {self.loc, "node " + quoted(self.name)};
  }

  // ---- L10x: sessions ----

  // B's neighbour that answers A's neighbour `k` (see the file comment), or kNone.
  std::size_t answer(std::size_t a, std::size_t k, std::size_t b) const {
    const NeighborConfig& n = sp_[a].neighbors[k];
    for (const auto& addr : sp_[a].addresses) {
      if (addr.family != n.peer_address.family) continue;
      auto lo =
          std::lower_bound(by_peer_[b].begin(), by_peer_[b].end(), std::make_pair(addr, std::size_t{0}));
      for (auto it = lo; it != by_peer_[b].end() && it->first == addr; ++it) {
        const NeighborConfig& m = sp_[b].neighbors[it->second];
        if ((n.source_address && m.peer_address == *n.source_address) ||
            (m.source_address && *m.source_address == n.peer_address))
          return it->second;
      }
    }
    return kNone;
  }

  std::size_t answering_range(std::size_t a, std::size_t k, std::size_t b) const {
    const NeighborConfig& n = sp_[a].neighbors[k];
    if (!n.source_address) return kNone;
    for (std::size_t r = 0; r < sp_[b].neighbor_ranges.size(); ++r)
      if (sp_[b].neighbor_ranges[r].range.addr.family == n.source_address->family &&
          sp_[b].neighbor_ranges[r].range.contains(*n.source_address))
        return r;
    return kNone;
  }

  struct Group {
    std::vector<std::size_t> from;     // speakers whose entries these are
    std::vector<std::string> sources;  // the addresses they connect from
    IpAddr peer;
    AsNumber said = 0;
    bool no_answer = false;
  };

  void check_sessions() {
    std::map<std::pair<Origin, std::size_t>, Group> one_sided, mismatch;
    std::map<Origin, Group> outside;
    std::map<const RouterNeighborRange*, Group> range_mismatch;
    std::vector<std::vector<char>> paired(sp_.size());  // neighbour entries already in a session
    for (std::size_t a = 0; a < sp_.size(); ++a) paired[a].resize(sp_[a].neighbors.size());

    for (std::size_t a = 0; a < sp_.size(); ++a) {
      for (std::size_t k = 0; k < sp_[a].neighbors.size(); ++k) {
        const NeighborConfig& n = sp_[a].neighbors[k];
        std::size_t b = owner(n.peer_address);
        if (paired[a][k]) continue;
        auto src_text = [&] { return n.source_address ? to_string(*n.source_address) : std::string("?"); };
        if (b == kNone) {
          Group& g = outside[origin(a, k)];
          g.from.push_back(a), g.peer = n.peer_address, g.said = n.peer_as;
          continue;
        }
        if (b == a) continue;  // validation's business (E303)
        std::size_t m = answer(a, k, b);
        std::size_t r = m == kNone ? answering_range(a, k, b) : kNone;
        if (n.peer_as != sp_[b].local_as) {
          Group& g = mismatch[{origin(a, k), b}];
          g.from.push_back(a), g.sources.push_back(src_text()), g.peer = n.peer_address, g.said = n.peer_as;
          g.no_answer = m == kNone && r == kNone;
          continue;
        }
        if (m == kNone && r == kNone) {
          Group& g = one_sided[{origin(a, k), b}];
          g.from.push_back(a), g.sources.push_back(src_text()), g.peer = n.peer_address;
          continue;
        }
        Adj mine{b, sp_[a].local_as == sp_[b].local_as, n.rr_client, n.allow_local_as, false};
        if (r != kNone) {
          const NeighborRange& range = sp_[b].neighbor_ranges[r];
          const RouterNeighborRange& decl = router_[b]->neighbor_ranges[r];
          if (range.peer_as && *range.peer_as != sp_[a].local_as) {
            Group& g = range_mismatch[&decl];
            g.from.push_back(a), g.sources.push_back(src_text()), g.said = *range.peer_as;
            continue;
          }
          if (n.passive) {
            add("L107", origin(a, k).loc,
                origin(a, k).what + " (" + who(b) + ") is passive, and " + who(b) + " accepts " + src_text() +
                    " only through its neighbour range " + to_string(range.range) +
                    ", which is always passive: neither side opens the connection");
            continue;
          }
          mine.peer_client = range.templ.rr_client;
          adj_[a].push_back(mine);
          adj_[b].push_back({a, mine.ibgp, range.templ.rr_client, range.templ.allow_local_as, n.rr_client});
          continue;
        }
        const NeighborConfig& back = sp_[b].neighbors[m];
        if (back.peer_as != sp_[a].local_as) continue;  // reported from b's side
        paired[a][k] = paired[b][m] = 1;
        if (n.passive && back.passive) {
          Origin oa = origin(a, k), ob = origin(b, m);
          add("L107", oa.loc,
              oa.what + " and " + ob.what + " are both passive: neither side opens the connection");
          continue;
        }
        mine.peer_client = back.rr_client;
        adj_[a].push_back(mine);
        adj_[b].push_back({a, mine.ibgp, back.rr_client, back.allow_local_as, n.rr_client});
      }
    }

    auto answer_word = [&](std::size_t b) {
      return is_node(b) ? std::string("no session back to ")
                        : std::string("no neighbour or neighbour range for ");
    };
    for (const auto& [key, g] : one_sided) {
      const auto& [o, b] = key;
      std::string msg;
      if (o.router_entry)
        msg = who(g.from.front()) + " has neighbour " + to_string(g.peer) + " (" + who(b) + "), but ";
      else
        msg = who_list(g.from) + " " + plural(g.from.size(), "peers", "peer") + " with " + who(b) + " (" +
              to_string(g.peer) + ") through " + o.what + ", but ";
      msg += who(b) + " has " + answer_word(b) + join_list(g.sources);
      add("L101", o.loc, msg);
    }
    for (const auto& [key, g] : mismatch) {
      const auto& [o, b] = key;
      std::string msg;
      if (o.router_entry)
        msg = who(g.from.front()) + " has neighbour " + to_string(g.peer) + " (" + who(b) + ") as AS " +
              std::to_string(g.said);
      else
        msg = who_list(g.from) + " " + plural(g.from.size(), "peers", "peer") + " with " + who(b) + " (" +
              to_string(g.peer) + ") as AS " + std::to_string(g.said) + " through " + o.what;
      msg += ", but " + who(b) + " is AS " + std::to_string(sp_[b].local_as);
      if (g.no_answer) msg += ", and it has " + answer_word(b) + join_list(g.sources) + " either";
      add("L102", o.loc, msg);
    }
    for (const auto& [decl, g] : range_mismatch) {
      std::string router_name;
      for (const auto& r : t_.routers)
        for (const auto& rr : r.neighbor_ranges)
          if (&rr == decl) router_name = r.name;
      std::vector<std::string> as;
      for (std::size_t a : g.from) as.push_back(std::to_string(sp_[a].local_as));
      as.erase(std::unique(as.begin(), as.end()), as.end());
      add("L102", decl->loc,
          "router " + quoted(router_name) + " accepts neighbour range " + to_string(decl->range) + " as AS " +
              std::to_string(g.said) + ", but " + who_list(g.from) + " " +
              plural(g.from.size(), "connects", "connect") + " from it (" + join_list(g.sources) +
              ") as AS " + join_list(as));
    }
    for (const auto& [o, g] : outside) {
      std::string msg;
      if (o.router_entry)
        msg = who(g.from.front()) + " has neighbour " + to_string(g.peer) + " (AS " + std::to_string(g.said) +
              ")";
      else
        msg = who_list(g.from) + " " + plural(g.from.size(), "peers", "peer") + " with " + to_string(g.peer) +
              " (AS " + std::to_string(g.said) + ") through " + o.what;
      msg += ", but no node or router of this topology has that address";
      add("L105", o.loc, msg);
    }
  }

  // ---- L103: duplicate sessions (from the model: derive_speakers already drops the duplicates) ----

  bool has_family(std::size_t i, Family f) const {
    return std::any_of(sp_[i].addresses.begin(), sp_[i].addresses.end(),
                       [&](const IpAddr& a) { return a.family == f; });
  }

  void check_duplicates() {
    const bool mesh = t_.config.effective_mesh();
    for (std::size_t pi = 0; pi < t_.peers.size(); ++pi) {
      const BgpPeer& p = t_.peers[pi];
      // A peering that repeats the mesh: both ends are mesh members of the family.
      if (mesh) {
        std::vector<std::pair<std::size_t, std::size_t>> pairs;  // (node, node it already meshes with)
        std::string proto = global_form(p) ? "Global_" : "Node_";
        if (p.peer_ip) {
          std::size_t o = owner(*p.peer_ip);
          if (o != kNone && is_node(o))
            for (std::size_t i : applies_[pi])
              if (i != o && has_family(i, p.peer_ip->family)) pairs.emplace_back(i, o);
        } else {
          std::set<std::pair<std::size_t, std::size_t>> set;
          for (std::size_t i : applies_[pi])
            for (std::size_t j : names_[pi])
              if (i != j && ((has_family(i, Family::V4) && has_family(j, Family::V4)) ||
                             (has_family(i, Family::V6) && has_family(j, Family::V6))))
                set.insert({std::min(i, j), std::max(i, j)});
          pairs.assign(set.begin(), set.end());
        }
        if (!pairs.empty()) {
          std::string msg;
          if (p.peer_ip) {
            std::size_t o = pairs.front().second;
            std::vector<std::size_t> from;
            for (const auto& pr : pairs) from.push_back(pr.first);
            msg = describe(p) + " is " + who(o) +
                  ", which the node-to-node mesh already peers with: " + who_list(from) + " would run Mesh_" +
                  protocol_suffix(*p.peer_ip) + " and " + proto + protocol_suffix(*p.peer_ip) +
                  " to one neighbour";
            if (p.as_number && *p.as_number != sp_[o].local_as)
              msg += " (and its asNumber " + std::to_string(*p.as_number) + " is not the node's AS " +
                     std::to_string(sp_[o].local_as) + ")";
          } else {
            msg = describe(p) + " peers " + std::to_string(pairs.size()) + " " +
                  plural(pairs.size(), "pair", "pairs") +
                  " of nodes that the node-to-node mesh already peers, such as " + who(pairs.front().first) +
                  " and " + who(pairs.front().second) +
                  ": each pair would run a Mesh_ and a Node_ protocol to one neighbour";
          }
          std::vector<std::string> ev;
          for (const auto& [x, y] : pairs) ev.push_back(sp_[x].name + " - " + sp_[y].name);
          add("L103", p.loc, msg, ev);
          continue;
        }
      }
      // A node-specific peering to the address of a global peer.
      if (!global_form(p) && p.peer_ip && !applies_[pi].empty()) {
        for (const auto& g : t_.peers) {
          if (!global_form(g) || g.peer_ip != p.peer_ip) continue;
          std::vector<std::size_t> from;
          for (std::size_t i : applies_[pi])
            if (owner(*p.peer_ip) != i) from.push_back(i);
          if (from.empty()) break;
          std::string msg = describe(p) + " has the address of " + describe(g) + " (defined at " +
                            format_loc(g.loc) + "): for " + who_list(from) +
                            " the v1 templates render Global_" + protocol_suffix(*p.peer_ip) + " and Node_" +
                            protocol_suffix(*p.peer_ip) +
                            " to one neighbour, and calico/node v3 skips the node-specific one";
          if (p.as_number && g.as_number && *p.as_number != *g.as_number)
            msg += " (so its asNumber " + std::to_string(*p.as_number) + " gives way to the global peer's " +
                   std::to_string(*g.as_number) + ")";
          add("L103", p.loc, msg);
          break;
        }
      }
    }
    // A router that lists one neighbour address twice.
    for (const auto& r : t_.routers) {
      std::map<IpAddr, const RouterNeighbor*> first;
      for (const auto& n : r.neighbors) {
        auto [it, fresh] = first.emplace(n.address, &n);
        if (!fresh)
          add("L103", n.loc,
              "router " + quoted(r.name) + " lists neighbour " + to_string(n.address) + " twice (first at " +
                  format_loc(it->second->loc) + "): two protocols to one neighbour");
      }
    }
  }

  // ---- L104: a peering that is the node itself (node scope is validation's W303/E303) ----

  void check_self_peers() {
    for (std::size_t pi = 0; pi < t_.peers.size(); ++pi) {
      const BgpPeer& p = t_.peers[pi];
      if (!p.peer_ip || p.scope == PeerScope::Node) continue;
      std::size_t o = owner(*p.peer_ip);
      if (o == kNone || !is_node(o) || !contains(applies_[pi], o)) continue;
      std::size_t others = applies_[pi].size() - 1;
      add("L104", p.loc,
          describe(p) + " is " + who(o) + " itself: that node skips it, and " + std::to_string(others) +
              plural(others, " other node peers", " other nodes peer") + " with it");
    }
  }

  // ---- L106: v3 selectors that select nothing ----

  void check_selectors() {
    for (std::size_t pi = 0; pi < t_.peers.size(); ++pi) {
      const BgpPeer& p = t_.peers[pi];
      if (p.flavor != ApiFlavor::V3) continue;
      bool node_sel = !p.node_selector.empty() && Selector::parse(p.node_selector).ok();
      bool peer_sel = !p.peer_selector.empty() && Selector::parse(p.peer_selector).ok();
      if (node_sel && applies_[pi].empty()) {
        add("L106", p.loc,
            describe(p) + " has nodeSelector \"" + p.node_selector +
                "\", which matches no BGP node: it peers nothing");
        continue;
      }
      if (peer_sel && names_[pi].empty()) {
        add("L106", p.loc,
            describe(p) + " has peerSelector \"" + p.peer_selector + "\"" +
                ", which matches no BGP node: it peers nothing");
        continue;
      }
      if (peer_sel && !applies_[pi].empty()) {
        bool any = false;
        for (std::size_t i : applies_[pi])
          for (std::size_t j : names_[pi]) any = any || i != j;
        if (!any)
          add("L106", p.loc,
              describe(p) + " selects only " + who(names_[pi].front()) +
                  " on both sides, and a node does not peer with itself: it peers nothing");
      }
    }
  }

  // ---- L111: nodes without any session ----

  void check_isolated_nodes() {
    if (sp_.size() < 2) return;
    for (std::size_t i = 0; i < node_count_; ++i) {
      if (!sp_[i].neighbors.empty()) continue;
      std::string why = t_.config.effective_mesh() ? "no other node has an address of its family for the mesh"
                                                   : "the node-to-node mesh is off";
      add("L111", node_[i]->loc, who(i) + " has no BGP session: " + why + ", and no bgpPeer applies to it");
    }
  }

  // ---- iBGP components ----

  void build_components() {
    comp_.resize(sp_.size());
    std::iota(comp_.begin(), comp_.end(), std::size_t{0});
    auto find = [&](std::size_t x) {
      while (comp_[x] != x) x = comp_[x] = comp_[comp_[x]];
      return x;
    };
    for (std::size_t a = 0; a < sp_.size(); ++a)
      for (const auto& e : adj_[a])
        if (e.ibgp) {
          std::size_t x = find(a), y = find(e.peer);
          if (x != y) comp_[std::max(x, y)] = std::min(x, y);
        }
    for (std::size_t a = 0; a < sp_.size(); ++a) comp_[a] = find(a);
    clients_.resize(sp_.size());
    for (std::size_t r = 0; r < sp_.size(); ++r) {
      auto& out = clients_[r];
      for (const auto& e : adj_[r])
        if (e.ibgp && e.client) out.push_back(e.peer);
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
  }

  std::map<std::size_t, std::vector<std::size_t>> components() const {
    std::map<std::size_t, std::vector<std::size_t>> out;
    for (std::size_t a = 0; a < sp_.size(); ++a) out[comp_[a]].push_back(a);
    return out;
  }

  bool has_ebgp(std::size_t a) const {
    return std::any_of(adj_[a].begin(), adj_[a].end(), [](const Adj& e) { return !e.ibgp; });
  }

  // ---- L112: iBGP that does not propagate ----

  void check_propagation() {
    // blocker -> pairs (origin, target) it stops, with the path that shows it.
    struct Stop {
      std::size_t from, to;
      std::string path;
    };
    std::map<std::size_t, std::vector<Stop>> blocked;
    std::vector<int> mode(sp_.size(), 0);  // 0 not reached, 1 from a non-client, 2 from a client/originated
    for (const auto& [root, members] : components()) {
      if (members.size() < 3) continue;
      bool full = true;
      for (std::size_t a : members) {
        std::set<std::size_t> peers;
        for (const auto& e : adj_[a])
          if (e.ibgp) peers.insert(e.peer);
        full = full && peers.size() + 1 == members.size();
      }
      if (full) continue;
      for (std::size_t o : members) {
        bool source = is_node(o) || !sp_[o].originated.empty() || has_ebgp(o);
        if (!source) continue;
        for (std::size_t x : members) mode[x] = 0;
        std::vector<std::size_t> queue{o};
        mode[o] = 2;
        for (std::size_t qi = 0; qi < queue.size(); ++qi) {
          std::size_t s = queue[qi];
          for (const auto& e : adj_[s]) {
            if (!e.ibgp) continue;
            if (mode[s] == 1 && !e.client) continue;
            // How e.peer hears it: from a client if it treats s as its client.
            int m = e.peer_client ? 2 : 1;
            if (mode[e.peer] < m) {
              mode[e.peer] = m;
              queue.push_back(e.peer);
            }
          }
        }
        for (std::size_t v : members) {
          if (v == o || mode[v] > 0) continue;
          auto path = shortest_ibgp_path(o, v);
          std::size_t blocker = kNone;
          for (std::size_t i = 1; i + 1 < path.size() && blocker == kNone; ++i)
            if (mode[path[i]] > 0 && mode[path[i + 1]] == 0) blocker = path[i];
          if (blocker == kNone) continue;
          std::string line = sp_[o].name + " -> " + sp_[v].name + ": ";
          for (std::size_t i = 0; i < path.size(); ++i) line += (i ? " - " : "") + sp_[path[i]].name;
          blocked[blocker].push_back({o, v, line});
        }
      }
    }
    for (const auto& [b, stops] : blocked) {
      std::size_t more = stops.size() - 1;
      std::string msg = "iBGP routes stop at " + who(b) + " (AS " + std::to_string(sp_[b].local_as) +
                        "): it does not reflect, so the routes of " + who(stops.front().from) +
                        " do not reach " + who(stops.front().to);
      if (more) msg += " (and " + std::to_string(more) + plural(more, " more pair)", " more pairs)");
      std::vector<std::string> ev;
      for (const auto& s : stops) ev.push_back(s.path);
      add("L112", loc_of(b), msg, ev);
    }
  }

  std::vector<std::size_t> shortest_ibgp_path(std::size_t from, std::size_t to) const {
    std::map<std::size_t, std::size_t> prev{{from, from}};
    std::vector<std::size_t> queue{from};
    for (std::size_t qi = 0; qi < queue.size() && !prev.count(to); ++qi) {
      std::vector<std::size_t> next;
      for (const auto& e : adj_[queue[qi]])
        if (e.ibgp) next.push_back(e.peer);
      std::sort(next.begin(), next.end());
      for (std::size_t n : next)
        if (prev.emplace(n, queue[qi]).second) queue.push_back(n);
    }
    std::vector<std::size_t> path;
    if (!prev.count(to)) return path;
    for (std::size_t x = to; x != from; x = prev[x]) path.push_back(x);
    path.push_back(from);
    std::reverse(path.begin(), path.end());
    return path;
  }

  // ---- L113-L116: route reflectors ----

  const std::vector<std::size_t>& clients_of(std::size_t r) const { return clients_[r]; }

  std::uint32_t cluster_id(std::size_t r) const {
    for (const auto& n : sp_[r].neighbors)
      if (n.rr_client && n.rr_cluster_id) return *n.rr_cluster_id;
    for (const auto& n : sp_[r].neighbor_ranges)
      if (n.templ.rr_client && n.templ.rr_cluster_id) return *n.templ.rr_cluster_id;
    if (is_node(r) && node_[r]->route_reflector_cluster_id) return *node_[r]->route_reflector_cluster_id;
    if (!is_node(r) && router_[r]->route_reflector_cluster_id) return *router_[r]->route_reflector_cluster_id;
    return sp_[r].router_id;  // BIRD's default cluster id
  }

  void check_reflectors() {
    auto comps = components();
    // L113: clients whose only session is one reflector.
    std::map<std::size_t, std::vector<std::size_t>> lonely;
    for (std::size_t c = 0; c < node_count_; ++c) {
      std::set<std::size_t> peers;
      for (const auto& e : adj_[c]) peers.insert(e.peer);
      if (peers.size() != 1 || comps[comp_[c]].size() < 3) continue;
      std::size_t r = *peers.begin();
      auto cl = clients_of(r);
      if (contains(cl, c)) lonely[r].push_back(c);
    }
    for (const auto& [r, clients] : lonely)
      add("L113", loc_of(r),
          "route reflector " + who(r) + " is the only BGP peer of " + who_list(clients) + ": if it fails, " +
              plural(clients.size(), "that node loses", "they lose") + " every route");

    // L114: a reflector node in the mesh.
    if (t_.config.effective_mesh())
      for (std::size_t i = 0; i < node_count_; ++i)
        if (node_[i]->route_reflector_cluster_id)
          add("L114", node_[i]->loc,
              who(i) + " is a route reflector (cluster id " +
                  format_cluster_id(*node_[i]->route_reflector_cluster_id) +
                  ") while the node-to-node mesh is on: every mesh peer outside its cluster becomes its "
                  "client and gets "
                  "every route twice");

    // L115: reflectors of one iBGP component sharing a cluster id with different clients.
    std::map<std::pair<std::size_t, std::uint32_t>, std::vector<std::size_t>> by_cluster;
    for (std::size_t r = 0; r < sp_.size(); ++r)
      if (!clients_of(r).empty()) by_cluster[{comp_[r], cluster_id(r)}].push_back(r);
    for (const auto& [key, rrs] : by_cluster) {
      if (rrs.size() < 2) continue;
      bool differ = false;
      for (std::size_t i = 1; i < rrs.size(); ++i)
        differ = differ || clients_of(rrs[i]) != clients_of(rrs[0]);
      if (!differ) continue;
      std::vector<std::string> ev;
      for (std::size_t r : rrs) {
        std::vector<std::string> names;
        for (std::size_t c : clients_of(r)) names.push_back(sp_[c].name);
        ev.push_back(sp_[r].name + " reflects for: " + join_list(names, names.size()));
      }
      std::string parts;
      for (std::size_t r : rrs) {
        auto cl = clients_of(r);
        parts += (parts.empty() ? "" : "; ") + who(r) + ": " + who_list(cl, 3);
      }
      add("L115", loc_of(rrs[1]),
          who_list(rrs) + " reflect with the same cluster id " + format_cluster_id(key.second) +
              " but for different clients (" + parts +
              "): RFC 4456 reflectors drop each other's reflected routes as CLUSTER_LIST loops (BIRD, as "
              "calico/node configures it, accepts them)",
          ev);
    }

    // L116: too many clients.
    for (std::size_t r = 0; r < sp_.size(); ++r) {
      std::size_t n = clients_of(r).size();
      if (n > opts_.reflector_client_limit)
        add("L116", loc_of(r),
            "route reflector " + who(r) + " has " + std::to_string(n) + " clients, more than the limit of " +
                std::to_string(opts_.reflector_client_limit));
    }
  }

  // ---- L121-L122: the node-to-node mesh ----

  void check_mesh() {
    if (!t_.config.effective_mesh() || node_count_ < 2) return;
    const SourceLoc& at = config_or(node_[0]->loc);
    std::size_t n = 0;
    for (Family f : {Family::V4, Family::V6}) {
      std::size_t k = 0;
      for (std::size_t i = 0; i < node_count_; ++i) k += has_family(i, f);
      n = std::max(n, k);
    }
    if (n > opts_.mesh_limit)
      add("L121", at,
          "the node-to-node mesh is on with " + std::to_string(n) + " nodes: " +
              std::to_string(n * (n - 1) / 2) + " BGP sessions (N(N-1)/2), " + std::to_string(n - 1) +
              " on every node; the limit is " + std::to_string(opts_.mesh_limit) + " nodes");

    for (Family f : {Family::V4, Family::V6}) {
      if (f == Family::V4 && ipip_everywhere()) continue;
      // L2 domain of each mesh member: its declared segment, else its subnet (unknown for a host
      // prefix, which names no subnet).
      std::map<std::string, std::vector<std::size_t>> domains;
      std::vector<std::string> order;
      for (std::size_t i = 0; i < node_count_; ++i) {
        const auto& addr = f == Family::V4 ? node_[i]->ipv4_address : node_[i]->ipv6_address;
        if (!addr) continue;
        std::string d;
        for (const auto& s : t_.segments)
          for (const auto& c : s.cidrs)
            if (c.addr.family == f && c.contains(addr->addr) && d.empty()) d = "segment " + quoted(s.name);
        if (d.empty() && addr->length < addr->addr.bit_width()) d = "subnet " + to_string(addr->masked());
        if (d.empty()) continue;
        if (!domains.count(d)) order.push_back(d);
        domains[d].push_back(i);
      }
      if (domains.size() < 2) continue;
      std::string listed;
      for (const auto& d : order) listed += (listed.empty() ? "" : "; ") + d + ": " + who_list(domains[d], 3);
      std::size_t a = domains[order[1]].front(), b = domains[order[0]].front();
      const auto& na = f == Family::V4 ? node_[a]->ipv4_address : node_[a]->ipv6_address;
      add("L122", at,
          "the node-to-node mesh joins nodes on " + std::to_string(domains.size()) + " L2 segments (" +
              listed + ") and no IPIP " + (f == Family::V4 ? "encapsulates" : "is possible for IPv6") +
              " between them: " + who(b) + " learns the routes of " + who(a) + " with next hop " +
              to_string(na->addr) + ", which is not on its segment");
    }
  }

  // IPIP reaches every IPv4 next hop: the global switch, or every enabled IPv4 pool encapsulates.
  bool ipip_everywhere() const {
    if (t_.config.effective_ipip()) return true;
    bool any = false;
    for (const auto& p : t_.pools) {
      if (p.disabled || p.cidr.addr.family != Family::V4) continue;
      if (p.ipip == IpipMode::Off) return false;
      any = true;
    }
    return any;
  }

  // ---- L131: one AS in parts that loop detection keeps apart ----

  void check_split_as() {
    std::map<AsNumber, std::vector<std::vector<std::size_t>>> parts;
    for (const auto& [root, members] : components()) parts[sp_[root].local_as].push_back(members);
    for (const auto& [as, comps] : parts) {
      if (comps.size() < 2) continue;
      // Parts that exchange routes with the outside, and those that have routes to give.
      std::vector<bool> open(comps.size()), gives(comps.size());
      for (std::size_t c = 0; c < comps.size(); ++c)
        for (std::size_t a : comps[c]) {
          if (has_ebgp(a)) open[c] = true;
          if (is_node(a) || !sp_[a].originated.empty()) gives[c] = true;
        }
      std::vector<std::size_t> victims;
      std::vector<std::size_t> involved;
      for (std::size_t c = 0; c < comps.size(); ++c) {
        if (!open[c]) continue;
        bool other = false;
        for (std::size_t d = 0; d < comps.size(); ++d) other = other || (d != c && open[d] && gives[d]);
        if (!other) continue;
        involved.push_back(c);
        // Who accepts a path holding the local AS: entry points whose eBGP session allows it, then
        // iBGP neighbours whose session from an accepting speaker allows it.
        std::set<std::size_t> accept;
        std::vector<std::size_t> queue;
        for (std::size_t a : comps[c])
          for (const auto& e : adj_[a])
            if (!e.ibgp && e.allow_local_as > 0 && accept.insert(a).second) queue.push_back(a);
        for (std::size_t qi = 0; qi < queue.size(); ++qi)
          for (std::size_t a : comps[c])
            for (const auto& e : adj_[a])
              if (e.ibgp && e.peer == queue[qi] && e.allow_local_as > 0 && accept.insert(a).second)
                queue.push_back(a);
        for (std::size_t a : comps[c])
          if (is_node(a) && !accept.count(a)) victims.push_back(a);
      }
      if (victims.empty() || involved.size() < 2) continue;
      std::vector<std::string> descr;
      for (std::size_t c : involved) descr.push_back("[" + who_list(comps[c], 3) + "]");
      // Point at the second part: its AS is the one to change. A router stands for its part; a node
      // that inherits the AS points at the cluster configuration.
      const auto& second = comps[involved[1]];
      std::size_t rep = second.front();
      for (std::size_t a : second)
        if (!is_node(a)) {
          rep = a;
          break;
        }
      SourceLoc at = loc_of(rep);
      if (is_node(rep) && !node_[rep]->as_number) at = config_or(at);
      std::vector<std::string> ev;
      for (std::size_t c = 0; c < comps.size(); ++c) {
        std::vector<std::string> names;
        for (std::size_t a : comps[c]) names.push_back(sp_[a].name);
        ev.push_back("part " + std::to_string(c + 1) + ": " + join_list(names, names.size()));
      }
      add("L131", at,
          "AS " + std::to_string(as) + " is used in " + std::to_string(involved.size()) +
              " parts that no iBGP session joins (" + join_list(descr, 4) +
              "): routes between them arrive with " + std::to_string(as) +
              " already in the AS_PATH and loop detection drops them, so " + who_list(victims) +
              plural(victims.size(), " misses", " miss") +
              " the other parts' routes (no allowLocalAS or numAllowedLocalASNumbers where they arrive)",
          ev);
    }
  }

  // ---- L132-L135: AS numbers ----

  struct AsUse {
    std::vector<std::string> who;
    SourceLoc loc;
    bool nodes_only = true;
  };

  void check_as_numbers() {
    // Explicit uses by AS number (in model order), and nodes that inherit the cluster default.
    std::map<AsNumber, AsUse> uses;
    std::vector<std::size_t> inherit;
    auto use = [&](AsNumber as, const SourceLoc& loc, std::string who, bool node) {
      AsUse& u = uses[as];
      if (u.who.empty()) u.loc = loc;
      u.who.push_back(std::move(who));
      u.nodes_only = u.nodes_only && node;
    };
    for (std::size_t i = 0; i < node_count_; ++i) {
      if (node_[i]->as_number)
        use(*node_[i]->as_number, node_[i]->loc, who(i), true);
      else
        inherit.push_back(i);
    }
    for (const auto& r : t_.routers) use(r.as_number, r.loc, "router " + quoted(r.name), false);
    for (const auto& p : t_.peers)
      if (p.peer_ip && p.as_number && owner(*p.peer_ip) == kNone)
        use(*p.as_number, p.loc, describe(p), false);
    for (const auto& r : t_.routers)
      for (const auto& n : r.neighbors)
        if (owner(n.address) == kNone)
          use(n.as_number, n.loc, "router " + quoted(r.name) + " neighbour " + to_string(n.address), false);

    auto report = [&](AsNumber as, const SourceLoc& loc, const std::string& subject, bool nodes_only) {
      std::string why;
      switch (classify(as, &why)) {
        case AsClass::Reserved:
          add("L132", loc, subject + ", which is " + why);
          break;
        case AsClass::Documentation:
          add("L133", loc, subject + ", which is " + why);
          break;
        case AsClass::Public:
          if (nodes_only) add("L134", loc, subject + ", " + why);
          break;
        case AsClass::Private:
          break;
      }
    };
    for (const auto& [as, u] : uses)
      report(as, u.loc,
             join_list(u.who) + " " + plural(u.who.size(), "uses", "use") + " AS " + std::to_string(as),
             u.nodes_only);
    if (!inherit.empty()) {
      AsNumber as = t_.config.effective_as();
      std::string subject = who_list(inherit) + " " + plural(inherit.size(), "sets", "set") +
                            " no asNumber and " + plural(inherit.size(), "gets", "get");
      SourceLoc at = node_[inherit.front()]->loc;
      if (t_.config.as_number) {
        subject += " the cluster default AS " + std::to_string(as);
        at = config_or(at);
      } else {
        subject += " the default AS " + std::to_string(as);
        if (as == kDefaultNodeAsNumber) subject += " (the source document's default; GA Calico uses 64512)";
      }
      report(as, at, subject, true);
    }

    // L135: more distinct 2-byte node AS numbers than there are private ones.
    std::map<AsNumber, std::size_t> two_byte;  // AS -> first node using it
    for (std::size_t i = 0; i < node_count_; ++i)
      if (sp_[i].local_as <= 65535) two_byte.emplace(sp_[i].local_as, i);
    if (two_byte.size() > 1023) {
      std::vector<std::string> outside;
      std::size_t first = kNone;
      for (std::size_t i = 0; i < node_count_; ++i) {
        AsNumber as = sp_[i].local_as;
        if (as <= 65535 && classify(as) != AsClass::Private) {
          outside.push_back(who(i) + " with AS " + std::to_string(as));
          if (first == kNone) first = i;
        }
      }
      if (first == kNone) first = two_byte.begin()->second;
      std::string msg = std::to_string(node_count_) + " Calico nodes use " + std::to_string(two_byte.size()) +
                        " distinct 2-byte AS numbers, more than the 1023 private ones (64512-65534)";
      if (!outside.empty())
        msg += ": " + std::to_string(outside.size()) + plural(outside.size(), " uses", " use") +
               " a public or reserved one (" + join_list(outside, 3) + ")";
      add("L135", node_[first]->loc, msg);
    }
  }

  // ---- L141: duplicate BGP identifiers ----

  void check_router_ids() {
    std::map<std::uint32_t, std::vector<std::size_t>> ids;
    for (std::size_t i = 0; i < sp_.size(); ++i) ids[sp_[i].router_id].push_back(i);
    for (const auto& [id, who_has] : ids) {
      if (who_has.size() < 2) continue;
      // Point at a router whose routerID is written out, else the last speaker.
      std::size_t at = who_has.back();
      for (std::size_t i : who_has)
        if (!is_node(i) && router_[i]->router_id) at = i;
      add("L141", loc_of(at),
          who_list(who_has) + " share the BGP identifier " + format_cluster_id(id) +
              (!is_node(at) && router_[at]->router_id
                   ? " (" + who(at) + " sets routerID " + format_cluster_id(id) + ")"
                   : std::string()));
    }
  }
};

}  // namespace

std::vector<Finding> lint(const Topology& t, const LintOptions& opts) {
  return Linter(t, opts).run();
}

const std::vector<LintRule>& lint_rules() {
  return kRules;
}

}  // namespace peerlab::validators
