// The underlay graph and its shortest paths (see underlay.hpp).
#include "sim/underlay.hpp"

#include <atomic>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <map>

namespace peerlab::sim {

namespace {

struct EdgeProps {
  Time weight = 0;
  std::uint32_t link = std::numeric_limits<std::uint32_t>::max();  // index of a Link, if any
};
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeProps>;

// The versions of every Underlay in the process (see version()): one counter, so that two
// underlays never share one. Atomic, so that networks built on different threads stay right.
std::uint32_t next_version() {
  static std::atomic<std::uint32_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace

Underlay::Underlay(const Topology& t) : version_(next_version()) {
  auto add_host = [&](const std::string& name, bool router) {
    host_index_[name] = static_cast<HostId>(hosts_.size());
    hosts_.push_back({name, router, {}});
    return static_cast<HostId>(hosts_.size() - 1);
  };
  for (const auto& s : t.segments)
    for (const auto& c : s.cidrs) segments_.push_back({s.name, c.masked(), s.latency, true, false});
  // Implicit segments are keyed by subnet so that every host in one subnet shares one.
  std::map<Prefix, std::uint32_t> implicit;
  auto attach = [&](HostId h, const Prefix& addr) {
    owner_.emplace(addr.addr, h);
    for (std::uint32_t s = 0; s < segments_.size(); ++s)
      if (!segments_[s].implicit && segments_[s].cidr.contains(addr.addr)) {
        hosts_[h].segments.push_back(s);
        return;
      }
    Prefix net = addr.masked();
    auto [it, inserted] = implicit.emplace(net, static_cast<std::uint32_t>(segments_.size()));
    if (inserted) segments_.push_back({"subnet " + to_string(net), net, 100, true, true});
    hosts_[h].segments.push_back(it->second);
  };
  for (const auto& n : t.nodes) {
    if (!n.has_bgp || (!n.ipv4_address && !n.ipv6_address)) continue;
    HostId h = add_host(n.name, false);
    if (n.ipv4_address) attach(h, *n.ipv4_address);
    if (n.ipv6_address) attach(h, *n.ipv6_address);
  }
  for (const auto& r : t.routers) {
    HostId h = add_host(r.name, true);
    for (const auto& a : r.addresses) attach(h, a);
  }
  reach_.resize(hosts_.size());
  for (HostId h = 0; h < hosts_.size(); ++h)
    if (hosts_[h].segments.size() == 1) reach_[h].segment = hosts_[h].segments.front();
  for (const auto& l : t.links) {
    Edge e;
    e.name = l.name;
    e.latency = l.latency;
    auto resolve = [&](const std::string& name, bool& is_segment, std::uint32_t& index) {
      if (auto it = host_index_.find(name); it != host_index_.end()) {
        is_segment = false;
        index = it->second;
        return true;
      }
      for (std::uint32_t s = 0; s < segments_.size(); ++s)
        if (segments_[s].name == name) {
          is_segment = true;
          index = s;
          return true;
        }
      return false;  // validation reports unknown link ends (E308)
    };
    if (resolve(l.a, e.a_is_segment, e.a) && resolve(l.b, e.b_is_segment, e.b)) links_.push_back(e);
  }
}

HostId Underlay::host_by_name(const std::string& name) const {
  auto it = host_index_.find(name);
  return it == host_index_.end() ? kNoHost : it->second;
}

HostId Underlay::owner_of(const IpAddr& a) const {
  auto it = owner_.find(a);
  return it == owner_.end() ? kNoHost : it->second;
}

UnderlayPath Underlay::path(HostId from, HostId to) const {
  if (from >= hosts_.size() || to >= hosts_.size() || !host_up(from) || !host_up(to)) return {};
  if (from == to) return {true, 0, {}};
  // Direct: a shared segment that is up.
  UnderlayPath best;
  for (auto s : hosts_[from].segments)
    for (auto d : hosts_[to].segments)
      if (s == d && segments_[s].up && (!best.reachable || segments_[s].latency < best.latency))
        best = {true, segments_[s].latency, {}};
  if (best.reachable) return best;
  return routes_from(from)[to];
}

// reachable() past its inline case: a down or unknown host, a shared segment when either host has
// several (or the one they share is down), or a path through routers.
bool Underlay::reachable_otherwise(HostId from, HostId to) const {
  if (from >= reach_.size() || to >= reach_.size()) return false;
  if (!reach_[from].up || !reach_[to].up) return false;
  if (from == to) return true;
  for (auto s : hosts_[from].segments)
    for (auto d : hosts_[to].segments)
      if (s == d && segments_[s].up) return true;
  return routes_from(from)[to].reachable;
}

const std::vector<UnderlayPath>& Underlay::routes_from(HostId from) const {
  if (auto it = cache_.find(from); it != cache_.end()) return it->second;
  const std::size_t nh = hosts_.size();
  const std::size_t nv = nh + segments_.size();
  Graph g(nv);
  // Host <-> segment: entering a segment costs its latency; leaving it is free. Only routers (and
  // the source itself) may send onwards, so only they get outgoing edges.
  for (HostId h = 0; h < nh; ++h) {
    if (!host_up(h)) continue;
    for (auto s : hosts_[h].segments) {
      if (!segments_[s].up) continue;
      if (hosts_[h].router || h == from)
        boost::add_edge(h, vertex_of_segment(s), EdgeProps{segments_[s].latency}, g);
      boost::add_edge(vertex_of_segment(s), h, EdgeProps{0}, g);
    }
  }
  for (std::uint32_t i = 0; i < links_.size(); ++i) {
    const auto& e = links_[i];
    if (!e.up) continue;
    auto vertex = [&](bool seg, std::uint32_t idx) -> std::size_t {
      return seg ? vertex_of_segment(idx) : idx;
    };
    auto usable = [&](bool seg, std::uint32_t idx) { return seg ? segments_[idx].up : host_up(idx); };
    if (!usable(e.a_is_segment, e.a) || !usable(e.b_is_segment, e.b)) continue;
    auto va = vertex(e.a_is_segment, e.a), vb = vertex(e.b_is_segment, e.b);
    auto may_send = [&](bool seg, std::uint32_t idx) { return seg || hosts_[idx].router || idx == from; };
    // Entering a segment costs its latency, whether from a host or over a link, so a path costs
    // the same in both directions.
    auto entry = [&](bool seg, std::uint32_t idx) -> Time { return seg ? segments_[idx].latency : 0; };
    if (may_send(e.a_is_segment, e.a))
      boost::add_edge(va, vb, EdgeProps{e.latency + entry(e.b_is_segment, e.b), i}, g);
    if (may_send(e.b_is_segment, e.b))
      boost::add_edge(vb, va, EdgeProps{e.latency + entry(e.a_is_segment, e.a), i}, g);
  }
  std::vector<Time> dist(nv, std::numeric_limits<Time>::max());
  std::vector<std::size_t> pred(nv);
  boost::dijkstra_shortest_paths(
      g, from,
      boost::weight_map(boost::get(&EdgeProps::weight, g))
          .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)))
          .predecessor_map(
              boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, g))));
  std::vector<UnderlayPath> out(nh);
  for (HostId to = 0; to < nh; ++to) {
    if (dist[to] == std::numeric_limits<Time>::max()) continue;
    UnderlayPath p{true, dist[to], {}};
    for (std::size_t v = pred[to]; v != from && v != pred[v]; v = pred[v])
      if (v < nh) p.via.insert(p.via.begin(), static_cast<HostId>(v));
    out[to] = std::move(p);
  }
  return cache_.emplace(from, std::move(out)).first->second;
}

bool Underlay::set_host_up(const std::string& name, bool up) {
  auto h = host_by_name(name);
  if (h == kNoHost) return false;
  reach_[h].up = up;
  changed();
  return true;
}

bool Underlay::set_segment_up(const std::string& name, bool up) {
  bool found = false;
  for (auto& s : segments_)
    if (s.name == name) s.up = up, found = true;
  if (found) changed();
  return found;
}

bool Underlay::set_link_up(const std::string& name, bool up) {
  bool found = false;
  for (auto& l : links_)
    if (l.name == name) l.up = up, found = true;
  if (found) changed();
  return found;
}

void Underlay::changed() {
  cache_.clear();
  version_ = next_version();
}

}  // namespace peerlab::sim
