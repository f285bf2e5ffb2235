// Cross-resource validation (see validate.hpp). Messages that calicoctl has for the same problem use
// calicoctl's words (libcalico-go validator, calico-model.md §1.2).
#include "topology/validate.hpp"

#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "topology/selector.hpp"

namespace peerlab {

void validate_pool(const IpPool& pool, Diagnostics& diags) {
  const SourceLoc& at = pool.cidr_loc.line ? pool.cidr_loc : pool.loc;
  const bool v4 = pool.cidr.addr.family == Family::V4;
  const int min_len = v4 ? 26 : 122;
  if (pool.cidr.length > min_len)
    diags.error("E205", at,
                std::string("IP pool size is too small (min /") + std::to_string(min_len) +
                    ") for use with Calico IPAM",
                "Calico hands out /" + std::to_string(min_len) + " blocks per node; use a pool of /" +
                    std::to_string(min_len) + " or larger");
  if (!pool.cidr.is_masked())
    diags.error("E206", at, "IP pool CIDR is not strictly masked",
                "did you mean " + to_string(pool.cidr.masked()) + "?");
  static const Prefix link_local4 = *parse_prefix("169.254.0.0/16");
  static const Prefix link_local6 = *parse_prefix("fe80::/10");
  if (pool.cidr.overlaps(v4 ? link_local4 : link_local6))
    diags.error(
        "E207", at,
        "IP pool range overlaps with the link local range " + to_string(v4 ? link_local4 : link_local6),
        "link-local addresses cannot be routed; choose another range");
  if (!v4 && pool.ipip != IpipMode::Off)
    diags.error("E208", at, "IPIP is not supported on an IPv6 IP pool", "disable ipip on this pool");
}

void validate(const Topology& t, ValidationMode mode, Diagnostics& diags) {
  auto strict = [&](std::string code, const SourceLoc& loc, std::string msg, std::string hint) {
    if (mode == ValidationMode::Strict)
      diags.error(std::move(code), loc, std::move(msg), std::move(hint));
    else
      diags.warning("W" + code.substr(1), loc, std::move(msg), std::move(hint));
  };

  for (const auto& p : t.pools) validate_pool(p, diags);
  for (std::size_t i = 0; i < t.pools.size(); ++i)
    for (std::size_t j = i + 1; j < t.pools.size(); ++j)
      if (t.pools[i].cidr.masked().overlaps(t.pools[j].cidr.masked()) &&
          t.pools[i].cidr.addr.family == t.pools[j].cidr.addr.family)
        strict("E304", t.pools[j].loc,
               "IP pool " + to_string(t.pools[j].cidr) + " overlaps IP pool " + to_string(t.pools[i].cidr) +
                   " (defined at " + format_loc(t.pools[i].loc) + ")",
               "IPAM blocks would be handed out twice; make the pools disjoint");

  // Every address belongs to one speaker.
  std::map<IpAddr, std::pair<std::string, SourceLoc>> owner;
  auto claim = [&](const IpAddr& a, const std::string& who, const SourceLoc& loc) {
    auto [it, inserted] = owner.emplace(a, std::make_pair(who, loc));
    if (!inserted && it->second.first != who)
      strict("E302", loc,
             "address " + to_string(a) + " of " + who + " is already used by " + it->second.first +
                 " (defined at " + format_loc(it->second.second) + ")",
             "every node and router needs its own address; BGP sessions are keyed by address");
  };
  for (const auto& n : t.nodes) {
    if (n.ipv4_address) claim(n.ipv4_address->addr, "node '" + n.name + "'", n.loc);
    if (n.ipv6_address) claim(n.ipv6_address->addr, "node '" + n.name + "'", n.loc);
  }
  for (const auto& r : t.routers)
    for (const auto& a : r.addresses) claim(a.addr, "router '" + r.name + "'", r.loc);

  // Nodes by name: a lookup per node-scoped peer (a generated design has one per node).
  std::unordered_map<std::string_view, const Node*> node_by_name;
  for (const auto& n : t.nodes) node_by_name.try_emplace(n.name, &n);
  auto find_node = [&](std::string_view name) -> const Node* {
    auto it = node_by_name.find(name);
    return it == node_by_name.end() ? nullptr : it->second;
  };
  for (const auto& p : t.peers) {
    if (p.scope == PeerScope::Node) {
      const Node* n = find_node(p.node);
      if (!n) {
        diags.warning("W308", p.loc,
                      "bgpPeer " + (p.peer_ip ? to_string(*p.peer_ip) : p.name) + " belongs to node '" +
                          p.node + "', which is not declared",
                      "the peering takes effect once a node of that name exists (calicoctl accepts this)");
      } else if (p.peer_ip && ((n->ipv4_address && n->ipv4_address->addr == *p.peer_ip) ||
                               (n->ipv6_address && n->ipv6_address->addr == *p.peer_ip))) {
        strict("E303", p.loc, "bgpPeer " + to_string(*p.peer_ip) + " is node '" + p.node + "' itself",
               "a node cannot peer with its own address; did you mean another node's address?");
      }
    }
    if (!p.node_selector.empty())
      if (auto err = selector_error(p.node_selector); !err.empty())
        diags.error("E210", p.loc, "invalid nodeSelector '" + p.node_selector + "': " + err,
                    "selectors look like: all(), has(label), label == 'value', !has(a) && b != 'c'");
    if (!p.peer_selector.empty())
      if (auto err = selector_error(p.peer_selector); !err.empty())
        diags.error("E210", p.loc, "invalid peerSelector '" + p.peer_selector + "': " + err,
                    "selectors look like: all(), has(label), label == 'value', !has(a) && b != 'c'");
  }

  for (const auto& [name, level] : t.config.node_log_level)
    if (!find_node(name))
      diags.warning("W308", t.config.loc, "logLevel is set for node '" + name + "', which is not declared",
                    "it takes effect once a node of that name exists");

  // Fabric references.
  std::set<std::string> names;
  for (const auto& s : t.segments) names.insert(s.name);
  for (const auto& r : t.routers) names.insert(r.name);
  std::vector<std::string_view> name_list(names.begin(), names.end());
  for (const auto& l : t.links)
    for (const auto* end : {&l.a, &l.b})
      if (!names.count(*end)) {
        auto close = closest_match(*end, name_list);
        diags.error(
            "E308", l.loc,
            "link '" + l.name + "' names '" + *end + "', which is neither a router nor a segment",
            close.empty() ? "declare a Router or Segment of that name" : "did you mean '" + close + "'?");
      }
  for (const auto& r : t.routers)
    for (const auto& n : r.neighbors)
      for (const auto& a : r.addresses)
        if (a.addr == n.address)
          diags.error(
              "E303", n.loc,
              "router '" + r.name + "' lists its own address " + to_string(n.address) + " as a neighbor",
              "a router cannot peer with itself");
  for (std::size_t i = 0; i < t.segments.size(); ++i)
    for (std::size_t j = i + 1; j < t.segments.size(); ++j)
      for (const auto& a : t.segments[i].cidrs)
        for (const auto& b : t.segments[j].cidrs)
          if (a.addr.family == b.addr.family && a.masked().overlaps(b.masked()))
            diags.error("E311", t.segments[j].loc,
                        "segment '" + t.segments[j].name + "' (" + to_string(b) + ") overlaps segment '" +
                            t.segments[i].name + "' (" + to_string(a) + ")",
                        "an address must belong to one L2 segment; make the ranges disjoint");
}

}  // namespace peerlab
