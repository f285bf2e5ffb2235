// Resources ↔ topology, and writing resources as YAML and JSON (see resources.hpp).
#include "topology/resources.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "topology/util.hpp"

namespace peerlab {

std::string kind_name(const Resource& r) {
  return std::visit(
      overloaded{
          [](const Node& n) -> std::string { return n.flavor == ApiFlavor::V3 ? "Node" : "node"; },
          [](const BgpPeer& p) -> std::string { return p.flavor == ApiFlavor::V3 ? "BGPPeer" : "bgpPeer"; },
          [](const IpPool& p) -> std::string { return p.flavor == ApiFlavor::V3 ? "IPPool" : "ipPool"; },
          [](const BgpConfiguration&) -> std::string { return "BGPConfiguration"; },
          [](const ClusterConfigResource&) -> std::string { return "ClusterConfig"; },
          [](const Segment&) -> std::string { return "Segment"; },
          [](const Router&) -> std::string { return "Router"; },
          [](const Link&) -> std::string { return "Link"; },
          [](const TimerSettings&) -> std::string { return "BGPTimers"; },
          [](const CheckLimitSettings&) -> std::string { return "CheckLimits"; },
      },
      r);
}

namespace {

// Where each identity of one kind of resource is defined (its index in the topology's list), so
// that finding a duplicate is a lookup rather than a scan: a generated design of 10,000 nodes and
// as many node-scoped peers spent a fifth of its loading time scanning.
template <class Key>
class Identities {
 public:
  // Files the resources the topology holds already (add_resources may add to a loaded one).
  template <class T, class KeyOf>
  Identities(const std::vector<T>& held, KeyOf key_of) {
    for (std::size_t i = 0; i < held.size(); ++i) index_.try_emplace(key_of(held[i]), i);
  }
  // Where `key` was first defined; nullptr when it is new, and then it is filed as the resource
  // about to be appended to `held`.
  template <class T>
  const SourceLoc* first(Key key, const std::vector<T>& held) {
    auto [it, added] = index_.try_emplace(std::move(key), held.size());
    return added ? nullptr : &held[it->second].loc;
  }

 private:
  std::map<Key, std::size_t> index_;
};

}  // namespace

const SourceLoc& location(const Resource& r) {
  return std::visit([](const auto& x) -> const SourceLoc& { return x.loc; }, r);
}

void add_resources(Topology& t, const std::vector<Resource>& resources, Diagnostics& diags) {
  auto dup = [&](const SourceLoc& at, const std::string& what, const SourceLoc& first) {
    diags.error("E301", at, "duplicate " + what + " (first defined at " + format_loc(first) + ")",
                "each resource is defined once; remove or rename one of them");
  };
  // An identity is a name; a bgpPeer's is, in v1, its scope, node and peer IP, in v3 its name (a
  // v1 and a v3 peer are never the same); an ipPool's is its masked CIDR.
  using PeerKey = std::tuple<ApiFlavor, PeerScope, std::string, std::optional<IpAddr>>;
  auto peer_key = [](const BgpPeer& p) {
    return p.flavor == ApiFlavor::V3 ? PeerKey{p.flavor, PeerScope::Global, p.name, std::nullopt}
                                     : PeerKey{p.flavor, p.scope, p.node, p.peer_ip};
  };
  auto name_of = [](const auto& x) { return x.name; };
  Identities<std::string> nodes(t.nodes, name_of), segments(t.segments, name_of), routers(t.routers, name_of),
      links(t.links, name_of);
  Identities<PeerKey> peers(t.peers, peer_key);
  Identities<Prefix> pools(t.pools, [](const IpPool& p) { return p.cidr.masked(); });

  for (const auto& r : resources) {
    std::visit(overloaded{
                   [&](const Node& n) {
                     if (auto* f = nodes.first(n.name, t.nodes))
                       return dup(n.loc, "node '" + n.name + "'", *f);
                     t.nodes.push_back(n);
                   },
                   [&](const BgpPeer& p) {
                     if (auto* f = peers.first(peer_key(p), t.peers))
                       return dup(p.loc, "bgpPeer " + (p.name.empty() ? to_string(*p.peer_ip) : p.name), *f);
                     t.peers.push_back(p);
                   },
                   [&](const IpPool& p) {
                     if (auto* f = pools.first(p.cidr.masked(), t.pools))
                       return dup(p.loc, "ipPool " + to_string(p.cidr), *f);
                     t.pools.push_back(p);
                   },
                   [&](const BgpConfiguration& c) { t.config.merge(c.values); },
                   [&](const ClusterConfigResource& c) { t.config.merge(c.values); },
                   [&](const Segment& s) {
                     if (auto* f = segments.first(s.name, t.segments))
                       return dup(s.loc, "segment '" + s.name + "'", *f);
                     t.segments.push_back(s);
                   },
                   [&](const Router& rt) {
                     if (auto* f = routers.first(rt.name, t.routers))
                       return dup(rt.loc, "router '" + rt.name + "'", *f);
                     t.routers.push_back(rt);
                   },
                   [&](const Link& l) {
                     if (auto* f = links.first(l.name, t.links))
                       return dup(l.loc, "link '" + l.name + "'", *f);
                     t.links.push_back(l);
                   },
                   [&](const TimerSettings& ts) {
                     if (t.timers.present) return dup(ts.loc, "BGPTimers", t.timers.loc);
                     t.timers = ts;
                   },
                   [&](const CheckLimitSettings& cl) {
                     if (t.check_limits.present) return dup(cl.loc, "CheckLimits", t.check_limits.loc);
                     t.check_limits = cl;
                   },
               },
               r);
  }
  canonical_sort(t);
}

std::vector<Resource> to_resources(const Topology& in) {
  Topology t = in;
  canonical_sort(t);
  std::vector<Resource> out;
  if (!t.config.empty()) out.emplace_back(ClusterConfigResource{t.config, t.config.loc});
  if (t.timers.present) out.emplace_back(t.timers);
  if (t.check_limits.present) out.emplace_back(t.check_limits);
  for (const auto& n : t.nodes) out.emplace_back(n);
  for (const auto& p : t.peers) out.emplace_back(p);
  for (const auto& p : t.pools) out.emplace_back(p);
  for (const auto& s : t.segments) out.emplace_back(s);
  for (const auto& r : t.routers) out.emplace_back(r);
  for (const auto& l : t.links) out.emplace_back(l);
  return out;
}

// ---- writing ---------------------------------------------------------------------------------

namespace {

std::string on_off(bool b) {
  return b ? "on" : "off";
}

// A user-given string, quoted when YAML would read it plainly as something else (a number, a
// boolean, null), so that "0042" or "true" stay strings for every reader of the file.
struct Str {
  const std::string& v;
};
YAML::Emitter& operator<<(YAML::Emitter& e, Str s) {
  static const char* special[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
  std::string lower;
  for (char c : s.v) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool numeric = !s.v.empty() && s.v.find_first_not_of("0123456789.-+eE") == std::string::npos &&
                 s.v.find_first_of("0123456789") != std::string::npos;
  bool quote = numeric || s.v.empty();
  for (const char* w : special) quote = quote || lower == w;
  if (quote) e << YAML::DoubleQuoted;
  return e << s.v;
}

void emit_labels(YAML::Emitter& e, const std::map<std::string, std::string>& labels) {
  e << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : labels) e << YAML::Key << Str{k} << YAML::Value << Str{v};
  e << YAML::EndMap;
}

void emit(YAML::Emitter& e, const Resource& r, V1Dialect dialect) {
  e << YAML::BeginMap;
  std::visit(
      overloaded{
          [&](const Node& n) {
            bool v3 = n.flavor == ApiFlavor::V3;
            e << YAML::Key << "apiVersion" << YAML::Value << (v3 ? "projectcalico.org/v3" : "v1");
            e << YAML::Key << "kind" << YAML::Value << (v3 ? "Node" : "node");
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << Str{n.name};
            if (!n.labels.empty()) emit_labels(e, n.labels);
            e << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            if (n.has_bgp) {
              e << YAML::Key << "bgp" << YAML::Value << YAML::BeginMap;
              if (n.as_number) e << YAML::Key << "asNumber" << YAML::Value << *n.as_number;
              if (n.ipv4_address)
                e << YAML::Key << "ipv4Address" << YAML::Value << to_string(*n.ipv4_address);
              if (n.ipv6_address)
                e << YAML::Key << "ipv6Address" << YAML::Value << to_string(*n.ipv6_address);
              if (n.route_reflector_cluster_id)
                e << YAML::Key << "routeReflectorClusterID" << YAML::Value
                  << format_cluster_id(*n.route_reflector_cluster_id);
              e << YAML::EndMap;
            }
            e << YAML::EndMap;
          },
          [&](const BgpPeer& p) {
            if (p.flavor == ApiFlavor::V1) {
              e << YAML::Key << "apiVersion" << YAML::Value << "v1";
              e << YAML::Key << "kind" << YAML::Value << "bgpPeer";
              e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
              e << YAML::Key << "scope" << YAML::Value << (p.scope == PeerScope::Global ? "global" : "node");
              if (p.scope == PeerScope::Node)
                e << YAML::Key << (dialect == V1Dialect::Alpha ? "hostname" : "node") << YAML::Value
                  << Str{p.node};
              e << YAML::Key << "peerIP" << YAML::Value << to_string(*p.peer_ip);
              e << YAML::EndMap;
              e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
              e << YAML::Key << "asNumber" << YAML::Value << *p.as_number << YAML::EndMap;
              return;
            }
            e << YAML::Key << "apiVersion" << YAML::Value << "projectcalico.org/v3";
            e << YAML::Key << "kind" << YAML::Value << "BGPPeer";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << Str{p.name} << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            if (p.scope == PeerScope::Node) e << YAML::Key << "node" << YAML::Value << Str{p.node};
            if (!p.node_selector.empty())
              e << YAML::Key << "nodeSelector" << YAML::Value << Str{p.node_selector};
            if (!p.peer_selector.empty())
              e << YAML::Key << "peerSelector" << YAML::Value << Str{p.peer_selector};
            if (p.peer_ip) {
              std::string ip = to_string(*p.peer_ip);
              if (p.port)
                ip = p.peer_ip->family == Family::V6 ? "[" + ip + "]:" + std::to_string(*p.port)
                                                     : ip + ":" + std::to_string(*p.port);
              e << YAML::Key << "peerIP" << YAML::Value << ip;
            }
            if (p.as_number) e << YAML::Key << "asNumber" << YAML::Value << *p.as_number;
            if (p.keep_original_next_hop) e << YAML::Key << "keepOriginalNextHop" << YAML::Value << true;
            if (p.num_allowed_local_as)
              e << YAML::Key << "numAllowedLocalASNumbers" << YAML::Value << p.num_allowed_local_as;
            e << YAML::EndMap;
          },
          [&](const IpPool& p) {
            if (p.flavor == ApiFlavor::V1) {
              e << YAML::Key << "apiVersion" << YAML::Value << "v1";
              e << YAML::Key << "kind" << YAML::Value << "ipPool";
              e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "cidr"
                << YAML::Value << to_string(p.cidr) << YAML::EndMap;
              e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
              if (p.ipip != IpipMode::Off) {
                e << YAML::Key << "ipip" << YAML::Value << YAML::BeginMap << YAML::Key << "enabled"
                  << YAML::Value << true << YAML::Key << "mode" << YAML::Value
                  << std::string(to_string(p.ipip)) << YAML::EndMap;
              }
              if (p.nat_outgoing) e << YAML::Key << "nat-outgoing" << YAML::Value << true;
              if (p.disabled) e << YAML::Key << "disabled" << YAML::Value << true;
              e << YAML::EndMap;
              return;
            }
            e << YAML::Key << "apiVersion" << YAML::Value << "projectcalico.org/v3";
            e << YAML::Key << "kind" << YAML::Value << "IPPool";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << Str{p.name} << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            e << YAML::Key << "cidr" << YAML::Value << to_string(p.cidr);
            e << YAML::Key << "ipipMode" << YAML::Value
              << (p.ipip == IpipMode::Always        ? "Always"
                  : p.ipip == IpipMode::CrossSubnet ? "CrossSubnet"
                                                    : "Never");
            if (p.nat_outgoing) e << YAML::Key << "natOutgoing" << YAML::Value << true;
            if (p.disabled) e << YAML::Key << "disabled" << YAML::Value << true;
            e << YAML::EndMap;
          },
          [&](const BgpConfiguration& c) {
            e << YAML::Key << "apiVersion" << YAML::Value << "projectcalico.org/v3";
            e << YAML::Key << "kind" << YAML::Value << "BGPConfiguration";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << Str{c.name} << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            if (c.values.as_number) e << YAML::Key << "asNumber" << YAML::Value << *c.values.as_number;
            if (c.values.node_to_node_mesh)
              e << YAML::Key << "nodeToNodeMeshEnabled" << YAML::Value << *c.values.node_to_node_mesh;
            if (c.values.log_level)
              e << YAML::Key << "logSeverityScreen" << YAML::Value << *c.values.log_level;
            e << YAML::EndMap;
          },
          [&](const ClusterConfigResource& c) {
            e << YAML::Key << "apiVersion" << YAML::Value << "peerlab/v1";
            e << YAML::Key << "kind" << YAML::Value << "ClusterConfig";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << "default" << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            if (c.values.as_number)
              e << YAML::Key << "defaultNodeASNumber" << YAML::Value << *c.values.as_number;
            if (c.values.node_to_node_mesh)
              e << YAML::Key << "nodeToNodeMesh" << YAML::Value << on_off(*c.values.node_to_node_mesh);
            if (c.values.log_level) e << YAML::Key << "logLevel" << YAML::Value << *c.values.log_level;
            if (c.values.ipip) e << YAML::Key << "ipip" << YAML::Value << on_off(*c.values.ipip);
            if (!c.values.node_log_level.empty()) {
              e << YAML::Key << "nodeLogLevels" << YAML::Value << YAML::BeginMap;
              for (const auto& [k, v] : c.values.node_log_level)
                e << YAML::Key << Str{k} << YAML::Value << Str{v};
              e << YAML::EndMap;
            }
            e << YAML::EndMap;
          },
          [&](const Segment& s) {
            e << YAML::Key << "apiVersion" << YAML::Value << "peerlab/v1";
            e << YAML::Key << "kind" << YAML::Value << "Segment";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << Str{s.name} << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            if (s.cidrs.size() == 1) {
              e << YAML::Key << "cidr" << YAML::Value << to_string(s.cidrs[0]);
            } else {
              e << YAML::Key << "cidrs" << YAML::Value << YAML::Flow << YAML::BeginSeq;
              for (const auto& c : s.cidrs) e << to_string(c);
              e << YAML::EndSeq;
            }
            e << YAML::Key << "latency" << YAML::Value << format_duration(s.latency);
            e << YAML::EndMap;
          },
          [&](const Router& rt) {
            e << YAML::Key << "apiVersion" << YAML::Value << "peerlab/v1";
            e << YAML::Key << "kind" << YAML::Value << "Router";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << Str{rt.name} << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            e << YAML::Key << "role" << YAML::Value << std::string(to_string(rt.role));
            e << YAML::Key << "asNumber" << YAML::Value << rt.as_number;
            if (rt.router_id) e << YAML::Key << "routerID" << YAML::Value << format_cluster_id(*rt.router_id);
            if (!rt.rack.empty()) e << YAML::Key << "rack" << YAML::Value << Str{rt.rack};
            e << YAML::Key << "addresses" << YAML::Value << YAML::Flow << YAML::BeginSeq;
            for (const auto& a : rt.addresses) e << to_string(a);
            e << YAML::EndSeq;
            if (rt.route_reflector_cluster_id)
              e << YAML::Key << "routeReflectorClusterID" << YAML::Value
                << format_cluster_id(*rt.route_reflector_cluster_id);
            if (rt.allow_local_as) e << YAML::Key << "allowLocalAS" << YAML::Value << rt.allow_local_as;
            if (!rt.originate.empty()) {
              e << YAML::Key << "originate" << YAML::Value << YAML::Flow << YAML::BeginSeq;
              for (const auto& a : rt.originate) e << to_string(a);
              e << YAML::EndSeq;
            }
            if (!rt.neighbors.empty()) {
              e << YAML::Key << "neighbors" << YAML::Value << YAML::BeginSeq;
              for (const auto& n : rt.neighbors) {
                e << YAML::BeginMap << YAML::Key << "address" << YAML::Value << to_string(n.address);
                e << YAML::Key << "asNumber" << YAML::Value << n.as_number;
                if (!n.description.empty())
                  e << YAML::Key << "description" << YAML::Value << Str{n.description};
                if (n.route_reflector_client) e << YAML::Key << "routeReflectorClient" << YAML::Value << true;
                if (n.next_hop_self) e << YAML::Key << "nextHopSelf" << YAML::Value << true;
                if (n.passive) e << YAML::Key << "passive" << YAML::Value << true;
                if (n.allow_local_as) e << YAML::Key << "allowLocalAS" << YAML::Value << *n.allow_local_as;
                e << YAML::EndMap;
              }
              e << YAML::EndSeq;
            }
            if (!rt.neighbor_ranges.empty()) {
              e << YAML::Key << "neighborRanges" << YAML::Value << YAML::BeginSeq;
              for (const auto& n : rt.neighbor_ranges) {
                e << YAML::BeginMap << YAML::Key << "cidr" << YAML::Value << to_string(n.range);
                if (n.as_number) e << YAML::Key << "asNumber" << YAML::Value << *n.as_number;
                if (n.route_reflector_client) e << YAML::Key << "routeReflectorClient" << YAML::Value << true;
                if (n.next_hop_self) e << YAML::Key << "nextHopSelf" << YAML::Value << true;
                if (n.allow_local_as) e << YAML::Key << "allowLocalAS" << YAML::Value << *n.allow_local_as;
                e << YAML::EndMap;
              }
              e << YAML::EndSeq;
            }
            e << YAML::EndMap;
          },
          [&](const Link& l) {
            e << YAML::Key << "apiVersion" << YAML::Value << "peerlab/v1";
            e << YAML::Key << "kind" << YAML::Value << "Link";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << Str{l.name} << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            e << YAML::Key << "a" << YAML::Value << Str{l.a} << YAML::Key << "b" << YAML::Value << Str{l.b};
            e << YAML::Key << "latency" << YAML::Value << format_duration(l.latency);
            e << YAML::EndMap;
          },
          [&](const TimerSettings& t) {
            e << YAML::Key << "apiVersion" << YAML::Value << "peerlab/v1";
            e << YAML::Key << "kind" << YAML::Value << "BGPTimers";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << "default" << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            e << YAML::Key << "profile" << YAML::Value << t.profile;
            auto put = [&](const char* k, const std::optional<Millis>& v) {
              if (v) e << YAML::Key << k << YAML::Value << format_duration(*v * 1000);
            };
            put("holdTime", t.hold);
            put("keepaliveTime", t.keepalive);
            put("connectDelayTime", t.connect_delay);
            put("connectRetryTime", t.connect_retry);
            put("errorWaitMin", t.error_wait_min);
            put("errorWaitMax", t.error_wait_max);
            if (t.graceful_restart) e << YAML::Key << "gracefulRestart" << YAML::Value << *t.graceful_restart;
            put("gracefulRestartTime", t.graceful_restart_time);
            e << YAML::EndMap;
          },
          [&](const CheckLimitSettings& l) {
            e << YAML::Key << "apiVersion" << YAML::Value << "peerlab/v1";
            e << YAML::Key << "kind" << YAML::Value << "CheckLimits";
            e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << "default" << YAML::EndMap;
            e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
            auto put = [&](const char* k, const CheckLimitValue& v) {
              if (v.value) e << YAML::Key << k << YAML::Value << *v.value;
            };
            put("maxSessionsPerNode", l.max_sessions_per_node);
            put("maxRoutesPerRouter", l.max_routes_per_router);
            put("maxRoutesPerNode", l.max_routes_per_node);
            if (l.max_convergence.value)
              e << YAML::Key << "maxConvergence" << YAML::Value << format_duration(*l.max_convergence.value);
            put("meshLimit", l.mesh_limit);
            put("reflectorClientLimit", l.reflector_client_limit);
            e << YAML::EndMap;
          },
      },
      r);
  e << YAML::EndMap;
}

}  // namespace

std::string save_resources(const std::vector<Resource>& resources, V1Dialect dialect) {
  std::string out;
  for (const auto& r : resources) {
    YAML::Emitter e;
    emit(e, r, dialect);
    out += "---\n";
    out += e.c_str();
    out += "\n";
  }
  return out;
}

std::string save_topology(const Topology& t, V1Dialect dialect) {
  return save_resources(to_resources(t), dialect);
}

std::string to_yaml_list(const std::vector<Resource>& resources, V1Dialect dialect) {
  if (resources.empty()) return "[]\n";
  YAML::Emitter e;
  e << YAML::BeginSeq;
  for (const auto& r : resources) emit(e, r, dialect);
  e << YAML::EndSeq;
  return std::string(e.c_str()) + "\n";
}

namespace {
// Converts the YAML form to JSON so that both outputs always carry the same fields; numbers and
// booleans keep their types.
nlohmann::ordered_json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      auto out = nlohmann::ordered_json::object();
      for (auto it = n.begin(); it != n.end(); ++it) out[it->first.Scalar()] = yaml_to_json(it->second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::ordered_json::array();
      for (const auto& item : n) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      // The emitter quotes strings that would read as another type ("0042", "true"), and leaves
      // numbers and booleans plain: the tag tells them apart.
      const auto& s = n.Scalar();
      if (n.Tag() == "!") return s;
      if (s == "true") return true;
      if (s == "false") return false;
      if (!s.empty() && s.size() < 12 && s.find_first_not_of("0123456789") == std::string::npos)
        return std::stoull(s);
      return s;
    }
    default:
      return nullptr;
  }
}
}  // namespace

std::string to_json_list(const std::vector<Resource>& resources, V1Dialect dialect) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& r : resources) {
    YAML::Emitter e;
    emit(e, r, dialect);
    arr.push_back(yaml_to_json(YAML::Load(e.c_str())));
  }
  return arr.dump(2) + "\n";
}

}  // namespace peerlab
