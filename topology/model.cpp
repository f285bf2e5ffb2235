// Canonical ordering and small helpers of the model (see model.hpp).
#include "topology/model.hpp"

#include <algorithm>
#include <tuple>

namespace peerlab {

const Node* Topology::find_node(std::string_view name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const Router* Topology::find_router(std::string_view name) const {
  for (const auto& r : routers)
    if (r.name == name) return &r;
  return nullptr;
}

void canonical_sort(Topology& t) {
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::stable_sort(t.nodes.begin(), t.nodes.end(), by_name);
  std::stable_sort(t.peers.begin(), t.peers.end(), [](const BgpPeer& a, const BgpPeer& b) {
    // v1 peers first (global, then node), then v3 peers by name.
    auto key = [](const BgpPeer& p) {
      if (p.flavor == ApiFlavor::V3) return std::make_tuple(true, false, std::string(), IpAddr{}, p.name);
      return std::make_tuple(false, p.scope == PeerScope::Node, p.node, p.peer_ip.value_or(IpAddr{}),
                             std::string());
    };
    return key(a) < key(b);
  });
  std::stable_sort(t.pools.begin(), t.pools.end(), [](const IpPool& a, const IpPool& b) {
    return std::tie(a.flavor, a.name, a.cidr) < std::tie(b.flavor, b.name, b.cidr);
  });
  std::stable_sort(t.segments.begin(), t.segments.end(), by_name);
  std::stable_sort(t.routers.begin(), t.routers.end(), by_name);
  std::stable_sort(t.links.begin(), t.links.end(), by_name);
}

std::string_view to_string(RouterRole r) {
  switch (r) {
    case RouterRole::Router:
      return "router";
    case RouterRole::Tor:
      return "tor";
    case RouterRole::Spine:
      return "spine";
    case RouterRole::Border:
      return "border";
    case RouterRole::RouteReflector:
      return "routeReflector";
  }
  return "router";
}

std::string_view to_string(IpipMode m) {
  switch (m) {
    case IpipMode::Off:
      return "off";
    case IpipMode::Always:
      return "always";
    case IpipMode::CrossSubnet:
      return "cross-subnet";
  }
  return "off";
}

std::string format_cluster_id(std::uint32_t id) {
  return to_string(IpAddr::v4(id));
}

std::string format_duration(Micros us) {
  auto frac = [](Micros v, Micros unit, const char* suffix) {
    std::string s = std::to_string(v / unit);
    Micros rest = v % unit;
    if (rest) {
      std::string f = std::to_string(rest + unit).substr(1);  // zero-padded fraction
      while (!f.empty() && f.back() == '0') f.pop_back();
      s += "." + f;
    }
    return s + suffix;
  };
  if (us != 0 && us % 1000 != 0 && us < 1000) return std::to_string(us) + "us";
  if (us < 1'000'000) return us % 1000 == 0 ? std::to_string(us / 1000) + "ms" : frac(us, 1000, "ms");
  return frac(us, 1'000'000, "s");
}

void ClusterConfig::merge(const ClusterConfig& from) {
  if (from.as_number) as_number = from.as_number;
  if (from.node_to_node_mesh) node_to_node_mesh = from.node_to_node_mesh;
  if (from.log_level) log_level = from.log_level;
  if (from.ipip) ipip = from.ipip;
  for (const auto& [k, v] : from.node_log_level) node_log_level[k] = v;
  if (loc.line == 0) loc = from.loc;
}

TimerConfig TimerSettings::resolve() const {
  TimerConfig t = profile == "calico" ? TimerConfig::calico_v3() : TimerConfig::bird_defaults();
  if (hold) t.hold = *hold, t.startup_hold = std::max<Millis>(*hold, t.startup_hold);
  if (keepalive) t.keepalive = *keepalive;
  if (connect_delay) t.connect_delay = *connect_delay;
  if (connect_retry) t.connect_retry = *connect_retry;
  if (error_wait_min) t.error_wait_min = *error_wait_min;
  if (error_wait_max) t.error_wait_max = *error_wait_max;
  if (graceful_restart) t.graceful_restart = *graceful_restart;
  if (graceful_restart_time) t.graceful_restart_time = *graceful_restart_time;
  return t;
}

}  // namespace peerlab
