// Checks on the simulated network (see checks.hpp).
#include "validators/checks.hpp"

#include <algorithm>
#include <map>
#include <type_traits>
#include <unordered_map>

#include "sim/underlay.hpp"
#include "topology/peerings.hpp"
#include "validators/sessions.hpp"

namespace peerlab::validators {

std::string_view to_string(WalkResult r) {
  switch (r) {
    case WalkResult::Delivered:
      return "delivered";
    case WalkResult::Blackhole:
      return "blackhole";
    case WalkResult::Loop:
      return "loop";
    case WalkResult::UnreachableNextHop:
      return "unreachable next hop";
    case WalkResult::SourceDown:
      return "source down";
  }
  return "";
}

const std::vector<CheckRule>& check_rules() {
  static const std::vector<CheckRule> rules = {
      {"S101", "session not established", FindingSeverity::Error,
       "A configured BGP session is not up after the network converged, so no routes flow over it.",
       "Read the reason: configure the other end (one-sided peering), correct the AS number, or make the peer "
       "address reachable."},
      {"R100", "reachability", FindingSeverity::Info, "How many node-to-block pairs the data-plane walk delivered.",
       ""},
      {"R101", "blackhole", FindingSeverity::Error,
       "A packet from a node towards a workload block reaches a hop that has no route for it.",
       "Make the routes propagate: peer the hop that lacks them (mesh, route reflector, or ToR), or fix loop "
       "detection dropping them (same AS on both sides of an eBGP hop)."},
      {"R102", "forwarding loop", FindingSeverity::Error,
       "Following each hop's best route, a packet comes back to a hop it has already crossed.",
       "Look at the next hops along the path: a route reflector or router points back at where the packet came "
       "from; check next-hop-self settings."},
      {"R103", "unreachable next hop", FindingSeverity::Error,
       "A best route's next hop cannot be reached through the underlay (nobody has the address, or no path).",
       "Peer only over reachable addresses, or let the router on the path set next hop self."},
      {"K100", "scale summary", FindingSeverity::Info, "Sessions, routes, messages and convergence time.", ""},
      {"K101", "too many sessions on a node", FindingSeverity::Warning,
       "Each BGP session costs memory, CPU and keepalives; a full mesh grows as N(N-1)/2. Calico recommends route "
       "reflectors beyond about 100 nodes.",
       "Turn the node-to-node mesh off and peer with two route reflectors (or the ToR in AS per rack)."},
      {"K102", "router route table too large", FindingSeverity::Warning,
       "ToR and spine switches hold every workload route in hardware; the Calico documentation gives 128,000 routes "
       "as a reasonable upper limit.",
       "Aggregate (announce blocks, not /32s), or use the Downward Default model so upper tiers hold a default "
       "route."},
      {"K103", "node route table too large", FindingSeverity::Warning,
       "Every node installs every other node's blocks.", "Use larger IPAM blocks or fewer pools per node."},
      {"K104", "slow convergence", FindingSeverity::Warning,
       "The network took longer than the limit to converge from a cold start.",
       "Shorten connect delay/retry timers (the calico timer profile) or reduce the number of sessions."},
      {"V100", "converged", FindingSeverity::Info, "When the network stopped changing.", ""},
      {"V101", "did not converge", FindingSeverity::Error,
       "The simulation reached its time or event limit while routes or sessions were still changing: the design "
       "oscillates or is too large for the limits.",
       "Look for flapping sessions (AS mismatch loops, hold timers) or raise the limits."},
      {"V102", "route oscillation", FindingSeverity::Error,
       "Best paths kept changing to the end of the run: the same prefixes flip between paths (or come and go) at "
       "the listed speakers instead of settling, so traffic to them moves or drops over and over. A design that "
       "only needs more time shows it too; the sampled windows tell the two apart by whether the changes repeat.",
       "Look at the prefixes and speakers listed: a session that keeps resetting (hold timer, AS or address "
       "mismatch that flaps), two reflectors preferring each other's paths, or a next hop that comes and goes. "
       "Fix that, or raise the time limit if the changes are dying down."},
      {"F100", "survives failures", FindingSeverity::Info,
       "Every failure of the listed elements left reachability as it was.", ""},
      {"F101", "failure breaks reachability", FindingSeverity::Error,
       "With this element failed, node-to-block pairs that were reachable are not: the design is not redundant "
       "there.",
       "Add a second route reflector, ToR uplink or spine, and peer every client with both."},
  };
  return rules;
}

void apply_file_limits(ScaleLimits& l, const CheckLimitSettings& f) {
  auto take = [](auto& value, std::string& from, const CheckLimitValue& v) {
    if (!v.value) return;
    value = static_cast<std::remove_reference_t<decltype(value)>>(*v.value);
    from = format_loc(v.loc);
  };
  take(l.max_sessions_per_node, l.sessions_from, f.max_sessions_per_node);
  take(l.max_routes_per_router, l.routes_per_router_from, f.max_routes_per_router);
  take(l.max_routes_per_node, l.routes_per_node_from, f.max_routes_per_node);
  if (f.max_convergence.value) {
    l.max_convergence_ms = *f.max_convergence.value / 1000;
    l.convergence_from = format_loc(f.max_convergence.loc);
  }
}

std::string describe_limit(const std::string& value, const std::string& from, bool is_default,
                           std::string_view default_note) {
  if (!from.empty()) return "limit " + value + " from " + from;
  if (is_default) return "limit " + value + " (default, " + std::string(default_note) + ")";
  return "limit " + value;
}

namespace {

Finding make(const std::string& code, std::string message, SourceLoc loc = {}) {
  for (const auto& r : check_rules())
    if (r.code == code) return {code, r.severity, r.title, std::move(message), std::move(loc), r.explanation, r.fix, {}};
  return {code, FindingSeverity::Error, code, std::move(message), std::move(loc), "", "", {}};
}

// Per speaker: best routes by prefix (next hop and whether local), for longest-prefix match.
struct Fib {
  struct Entry {
    Prefix prefix;
    IpAddr next_hop;
    bool local = false;
  };
  std::vector<Entry> by_length;  // longest prefix first
  bool built = false;

  const Entry* lookup(const IpAddr& a) const {
    for (const auto& e : by_length)
      if (e.prefix.contains(a)) return &e;
    return nullptr;
  }
};

}  // namespace

ReachabilityMatrix reachability(const Topology& topology, const sim::Network& net) {
  ReachabilityMatrix m;
  const auto& u = net.underlay();
  const std::size_t n = net.speaker_count();
  std::vector<Fib> fibs(n);
  auto fib = [&](sim::SpeakerId id) -> const Fib& {
    Fib& f = fibs[id];
    if (!f.built) {
      for (const auto& r : net.routes(id))
        if (r.best) f.by_length.push_back({r.prefix, r.attrs.next_hop, r.local});
      std::stable_sort(f.by_length.begin(), f.by_length.end(),
                       [](const Fib::Entry& a, const Fib::Entry& b) { return a.prefix.length > b.prefix.length; });
      f.built = true;
    }
    return f;
  };
  // Destinations: every block a running Calico node originates.
  struct Dest {
    sim::SpeakerId owner;
    Prefix block;
  };
  std::vector<Dest> dests;
  std::vector<sim::SpeakerId> sources;
  for (sim::SpeakerId id = 0; id < n; ++id) {
    const auto& cfg = net.speaker_config(id);
    if (cfg.kind != SpeakerKind::CalicoNode || !net.speaker_running(id)) continue;
    sources.push_back(id);
    for (const auto& b : cfg.originated) dests.push_back({id, b});
  }
  // The matrix: per node for a small design, per rack, segment or AS at size.
  auto& sum = m.summary;
  std::vector<std::string> group_of(n);
  if (sources.size() <= kFullMatrixNodes) {
    sum.grouping = "node";
    for (auto id : sources) group_of[id] = net.speaker_config(id).name;
  } else {
    auto rack = [&](sim::SpeakerId id) -> std::string {
      const Node* node = topology.find_node(net.speaker_config(id).name);
      if (!node) return "";
      auto it = node->labels.find("rack");
      return it == node->labels.end() ? "" : it->second;
    };
    auto segment = [&](sim::SpeakerId id) -> std::string {
      for (const auto& a : net.speaker_config(id).addresses)
        for (const auto& seg : topology.segments)
          for (const auto& c : seg.cidrs)
            if (c.contains(a)) return seg.name;
      return "";
    };
    bool all_racks = std::all_of(sources.begin(), sources.end(), [&](auto id) { return !rack(id).empty(); });
    bool all_segments =
        std::all_of(sources.begin(), sources.end(), [&](auto id) { return !segment(id).empty(); });
    sum.grouping = all_racks ? "rack" : all_segments ? "segment" : "AS";
    for (auto id : sources)
      group_of[id] = all_racks      ? rack(id)
                     : all_segments ? segment(id)
                                    : "AS " + std::to_string(net.speaker_config(id).local_as);
  }
  for (auto id : sources) sum.groups.push_back(group_of[id]);
  std::sort(sum.groups.begin(), sum.groups.end());
  sum.groups.erase(std::unique(sum.groups.begin(), sum.groups.end()), sum.groups.end());
  sum.cells.assign(sum.groups.size(), std::vector<ReachabilityCell>(sum.groups.size()));
  auto group_index = [&](sim::SpeakerId id) {
    return static_cast<std::size_t>(std::lower_bound(sum.groups.begin(), sum.groups.end(), group_of[id]) -
                                    sum.groups.begin());
  };
  for (sim::SpeakerId src : sources)
    for (const auto& d : dests) {
      if (d.owner == src) continue;
      // Only blocks of a family the source speaks: a node without IPv6 does not route IPv6.
      const auto& scfg = net.speaker_config(src);
      bool family = std::any_of(scfg.addresses.begin(), scfg.addresses.end(),
                                [&](const IpAddr& a) { return a.family == d.block.addr.family; });
      if (!family) continue;
      ++m.pairs;
      Walk w;
      w.from = scfg.name;
      w.to = net.speaker_config(d.owner).name;
      w.block = d.block;
      sim::SpeakerId hop = src;
      std::vector<bool> seen(n, false);
      for (int steps = 0;; ++steps) {
        const auto& hcfg = net.speaker_config(hop);
        w.path.push_back(hcfg.name);
        if (hop == d.owner) {
          w.result = WalkResult::Delivered;
          break;
        }
        if (seen[hop] || steps > 64) {
          w.result = WalkResult::Loop;
          w.detail = "back at " + hcfg.name;
          break;
        }
        seen[hop] = true;
        const Fib::Entry* e = fib(hop).lookup(d.block.addr);
        if (!e || e->local) {
          w.result = WalkResult::Blackhole;
          w.detail = hcfg.name + " has no route to " + to_string(d.block);
          break;
        }
        sim::HostId here = u.host_by_name(hcfg.name);
        sim::HostId nh = u.owner_of(e->next_hop);
        if (nh == sim::kNoHost) {
          w.result = WalkResult::UnreachableNextHop;
          w.detail = hcfg.name + "'s next hop " + to_string(e->next_hop) + " belongs to nobody";
          break;
        }
        auto path = u.path(here, nh);
        if (!path.reachable || nh == here) {
          w.result = WalkResult::UnreachableNextHop;
          w.detail = hcfg.name + " cannot reach next hop " + to_string(e->next_hop) + " (" + u.host_name(nh) + ")";
          break;
        }
        // A next hop that is not on a shared segment is reached through the gateway: the first
        // router on the underlay path, which then routes by its own table.
        sim::HostId next = path.via.empty() ? nh : path.via.front();
        auto next_id = net.find_speaker(u.host_name(next));
        if (!next_id || !net.speaker_running(*next_id)) {
          w.result = WalkResult::Blackhole;
          w.detail = u.host_name(next) + " (next hop of " + hcfg.name + ") runs no BGP";
          break;
        }
        hop = *next_id;
      }
      auto& cell = sum.cells[group_index(src)][group_index(d.owner)];
      ++cell.pairs;
      if (w.result == WalkResult::Delivered) {
        ++cell.delivered;
        ++m.delivered;
      } else {
        if (!cell.failure) cell.failure = w.result;
        m.failures.push_back(std::move(w));
      }
    }
  return m;
}

namespace {

// Where a session comes from in the input, for the finding's location.
SourceLoc session_loc(const Topology& t, const sim::Network& net, const sim::SessionStatus& s) {
  if (const Node* n = t.find_node(s.speaker)) {
    for (const auto& p : t.peers) {
      if (!p.peer_ip || *p.peer_ip != s.peer_address) continue;
      if (s.type == PeerType::Global && p.scope == PeerScope::Global) return p.loc;
      if (s.type == PeerType::NodeSpecific && (p.node == s.speaker || p.flavor == ApiFlavor::V3)) return p.loc;
    }
    return n->loc;
  }
  if (const Router* r = t.find_router(s.speaker)) {
    for (const auto& nb : r->neighbors)
      if (nb.address == s.peer_address) return nb.loc;
    return r->loc;
  }
  (void)net;
  return {};
}

std::string describe_walk(const Walk& w) {
  std::string path;
  for (const auto& p : w.path) path += (path.empty() ? "" : " -> ") + p;
  return w.from + " -> " + to_string(w.block) + " (" + w.to + "): " + std::string(to_string(w.result)) + " via " +
         path + (w.detail.empty() ? "" : "; " + w.detail);
}

void reachability_findings(const ReachabilityMatrix& m, const CheckOptions& o, std::vector<Finding>& out) {
  out.push_back(make("R100", std::to_string(m.delivered) + " of " + std::to_string(m.pairs) +
                                 " node-to-block pairs are reachable"));
  for (WalkResult kind : {WalkResult::Blackhole, WalkResult::Loop, WalkResult::UnreachableNextHop}) {
    std::vector<const Walk*> ws;
    for (const auto& w : m.failures)
      if (w.result == kind) ws.push_back(&w);
    if (ws.empty()) continue;
    const char* code = kind == WalkResult::Blackhole ? "R101" : kind == WalkResult::Loop ? "R102" : "R103";
    // Summarise by source and by destination node so large designs stay readable.
    std::map<std::string, std::size_t> by_from, by_to;
    for (const auto* w : ws) ++by_from[w->from], ++by_to[w->to];
    Finding f = make(code, std::to_string(ws.size()) + " of " + std::to_string(m.pairs) + " pairs end in a " +
                               std::string(to_string(kind)) + " (" + std::to_string(by_from.size()) +
                               " source nodes, " + std::to_string(by_to.size()) + " destination nodes)");
    for (std::size_t i = 0; i < ws.size() && i < o.max_listed; ++i) f.evidence.push_back(describe_walk(*ws[i]));
    if (ws.size() > o.max_listed) f.evidence.push_back("… and " + std::to_string(ws.size() - o.max_listed) + " more");
    out.push_back(std::move(f));
  }
}

std::unique_ptr<sim::Network> simulate(const Topology& t, const CheckOptions& o) {
  DeriveOptions d;
  d.blocks_per_node = o.blocks_per_node;
  sim::SimOptions so;
  so.seed = o.seed;
  if (o.time_limit) so.time_limit = *o.time_limit;
  return std::make_unique<sim::Network>(t, derive_speakers(t, d), so);
}

// Every speaker's best route per prefix, as "next hop via session" (what a change of path changes).
using BestPaths = std::map<std::pair<std::string, std::string>, std::string>;
BestPaths best_paths(const sim::Network& net) {
  BestPaths out;
  for (sim::SpeakerId id = 0; id < net.speaker_count(); ++id) {
    const auto& name = net.speaker_config(id).name;
    for (const auto& r : net.routes(id))
      if (r.best)
        out[{name, to_string(r.prefix)}] =
            r.local ? "local" : to_string(r.attrs.next_hop) + " via " + r.protocol;
  }
  return out;
}

// What the best paths did over a span: the network's count of best-path changes, and (when
// sampling) per speaker and prefix how many samples saw a different best path than the one before.
struct Churn {
  std::uint64_t best_changes = 0;
  std::map<std::pair<std::string, std::string>, std::size_t> changes;
};

// Steps `net` from now to `end`, `o.oscillation_step` at a time.
Churn observe(sim::Network& net, const CheckOptions& o, sim::Time end, bool sample) {
  Churn c;
  const auto at_start = net.counters().best_changes;
  BestPaths before;
  if (sample) before = best_paths(net);
  for (sim::Time at = net.now(); at < end;) {
    at = std::min(end, at + o.oscillation_step);
    net.run_until(at);
    if (!sample) continue;
    auto now = best_paths(net);
    for (const auto& [key, path] : now) {
      auto it = before.find(key);
      if (it == before.end() || it->second != path) ++c.changes[key];
    }
    for (const auto& kv : before)
      if (!now.count(kv.first)) ++c.changes[kv.first];
    before = std::move(now);
  }
  c.best_changes = net.counters().best_changes - at_start;
  return c;
}

// V102 from a sampled span [start, end].
void oscillation_finding(const Churn& c, const CheckOptions& o, sim::Time start, sim::Time end,
                         const std::string& when, std::vector<Finding>& out) {
  std::vector<std::pair<std::pair<std::string, std::string>, std::size_t>> flapping;
  for (const auto& kv : c.changes)
    if (kv.second >= o.oscillation_changes) flapping.push_back(kv);
  if (c.best_changes == 0 || flapping.empty()) return;
  std::stable_sort(flapping.begin(), flapping.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::map<std::string, std::size_t> prefixes, speakers;
  for (const auto& kv : flapping) ++prefixes[kv.first.second], ++speakers[kv.first.first];
  auto n = [](std::size_t v, const std::string& word) {
    return std::to_string(v) + " " + word + (v == 1 ? "" : word.back() == 'x' ? "es" : "s");
  };
  Finding f = make("V102", n(prefixes.size(), "prefix") + " at " + n(speakers.size(), "speaker") +
                               " changed best path " + std::to_string(o.oscillation_changes) + " or more times " +
                               when + " (" + sim::format_time(start) + " to " + sim::format_time(end) +
                               ", sampled every " + sim::format_time(o.oscillation_step) + "); " +
                               n(c.best_changes, "best-path change") + " in all");
  for (std::size_t i = 0; i < flapping.size() && i < o.max_listed; ++i)
    f.evidence.push_back(flapping[i].first.first + " " + flapping[i].first.second + ": " +
                         std::to_string(flapping[i].second) + " changes");
  if (flapping.size() > o.max_listed)
    f.evidence.push_back("… and " + std::to_string(flapping.size() - o.max_listed) + " more");
  out.push_back(std::move(f));
}

// V102 after a converged run: `net` goes on for `oscillation_span`; if any best path changes, the
// run is replayed (the simulation is deterministic for a seed) and sampled to name the prefixes.
// After a run that stopped at its limit: the replay samples the last `oscillation_span` of it.
void oscillation_findings(const Topology& t, const CheckOptions& o, sim::Network& net, const sim::RunResult& run,
                          std::vector<Finding>& out) {
  if (o.oscillation_span <= 0 || o.oscillation_step <= 0) return;
  if (run.outcome == sim::Outcome::Converged) {
    sim::Time start = net.now(), end = start + o.oscillation_span;
    if (observe(net, o, end, false).best_changes == 0) return;
    auto replay = simulate(t, o);
    replay->run();
    oscillation_finding(observe(*replay, o, end, true), o, start, end, "after the network converged", out);
    return;
  }
  sim::Time end = run.time, start = std::max<sim::Time>(0, end - o.oscillation_span);
  auto replay = simulate(t, o);
  replay->run_until(start);
  oscillation_finding(observe(*replay, o, end, true), o, start, end, "before the run stopped", out);
}

// The elements whose failure the F checks try: route reflectors (nodes and routers), every fabric
// router, and every link.
struct Element {
  std::string name;
  bool link = false;
  SourceLoc loc;
};

std::vector<Element> failure_elements(const Topology& t) {
  std::vector<Element> out;
  for (const auto& n : t.nodes)
    if (n.route_reflector_cluster_id) out.push_back({n.name, false, n.loc});
  for (const auto& r : t.routers) out.push_back({r.name, false, r.loc});
  for (const auto& l : t.links) out.push_back({l.name, true, l.loc});
  return out;
}

}  // namespace

CheckResult check_simulated(const Topology& t, const CheckOptions& o) {
  CheckResult res;
  auto net = simulate(t, o);
  auto run = net->run();
  auto& s = res.summary;
  s.speakers = net->speaker_count();
  s.outcome = std::string(sim::to_string(run.outcome));

  // V: convergence.
  if (run.outcome == sim::Outcome::Converged) {
    s.converged_ms = sim::to_millis(*run.converged_at);
    res.findings.push_back(make("V100", "converged at " + sim::format_time(*run.converged_at) + " after " +
                                            std::to_string(net->counters().events) + " events"));
    if (*s.converged_ms > o.limits.max_convergence_ms)
      res.findings.push_back(make(
          "K104",
          "converged at " + sim::format_time(*run.converged_at) + "; " +
              describe_limit(sim::format_time(o.limits.max_convergence_ms * 1000), o.limits.convergence_from,
                             o.limits.max_convergence_ms == ScaleLimits{}.max_convergence_ms,
                             "peerlab's default")));
  } else {
    res.findings.push_back(make("V101", "stopped at the " + s.outcome + " (" + sim::format_time(run.time) +
                                            ") with the network still changing; last change at " +
                                            sim::format_time(net->last_change())));
  }

  // S: sessions.
  std::size_t max_sessions = 0, total_routes = 0, max_node_routes = 0;
  std::string max_sessions_node;
  for (sim::SpeakerId id = 0; id < net->speaker_count(); ++id) {
    auto sessions = net->sessions(id);
    const auto& cfg = net->speaker_config(id);
    s.sessions += sessions.size();
    if (cfg.kind == SpeakerKind::CalicoNode && sessions.size() > max_sessions)
      max_sessions = sessions.size(), max_sessions_node = cfg.name;
    for (const auto& ss : sessions) {
      if (ss.state == bgp::State::Established) {
        ++s.established;
        continue;
      }
      Finding f = make("S101", cfg.name + " " + ss.protocol + " to " + to_string(ss.peer_address) +
                                   (ss.peer_speaker.empty() ? "" : " (" + ss.peer_speaker + ")") + " is " +
                                   std::string(bgp::to_string(ss.proto)) + " " + ss.info() + ": " +
                                   explain_session(*net, ss),
                       session_loc(t, *net, ss));
      res.findings.push_back(std::move(f));
    }
    std::size_t routes = net->best_route_count(id);
    total_routes += routes;
    if (cfg.kind == SpeakerKind::Router && routes > o.limits.max_routes_per_router)
      res.findings.push_back(make(
          "K102",
          "router " + cfg.name + " holds " + std::to_string(routes) + " routes (" +
              describe_limit(std::to_string(o.limits.max_routes_per_router), o.limits.routes_per_router_from,
                             o.limits.max_routes_per_router == ScaleLimits{}.max_routes_per_router,
                             "Calico docs: 128,000 routes per router") +
              ")",
          t.find_router(cfg.name) ? t.find_router(cfg.name)->loc : SourceLoc{}));
    if (cfg.kind == SpeakerKind::CalicoNode) max_node_routes = std::max(max_node_routes, routes);
  }
  // K: scale. Sessions are counted per node end; the mesh gives N-1 per node.
  for (sim::SpeakerId id = 0; id < net->speaker_count(); ++id) {
    const auto& cfg = net->speaker_config(id);
    if (cfg.kind != SpeakerKind::CalicoNode) continue;
    auto count = net->sessions(id).size();
    if (count > o.limits.max_sessions_per_node && cfg.name == max_sessions_node) {
      std::size_t over = 0;
      for (sim::SpeakerId j = 0; j < net->speaker_count(); ++j)
        over += net->speaker_config(j).kind == SpeakerKind::CalicoNode &&
                net->sessions(j).size() > o.limits.max_sessions_per_node;
      res.findings.push_back(make(
          "K101",
          std::to_string(over) + " nodes have more than " + std::to_string(o.limits.max_sessions_per_node) +
              " BGP sessions (" + cfg.name + " has " + std::to_string(count) + "; " +
              describe_limit(std::to_string(o.limits.max_sessions_per_node), o.limits.sessions_from,
                             o.limits.max_sessions_per_node == ScaleLimits{}.max_sessions_per_node,
                             "Calico docs: full mesh up to ~100 nodes") +
              ")",
          t.find_node(cfg.name) ? t.find_node(cfg.name)->loc : SourceLoc{}));
    }
    if (net->best_route_count(id) > o.limits.max_routes_per_node && cfg.name == max_sessions_node)
      res.findings.push_back(
          make("K103",
               "node " + cfg.name + " holds " + std::to_string(net->best_route_count(id)) + " routes (" +
                   describe_limit(std::to_string(o.limits.max_routes_per_node), o.limits.routes_per_node_from,
                                  o.limits.max_routes_per_node == ScaleLimits{}.max_routes_per_node,
                                  "Calico docs: 128,000 routes") +
                   ")"));
  }
  {
    const auto& c = net->counters();
    std::size_t nodes = 0;
    for (sim::SpeakerId id = 0; id < net->speaker_count(); ++id)
      nodes += net->speaker_config(id).kind == SpeakerKind::CalicoNode;
    auto n = [](std::size_t v, const char* word) {
      return std::to_string(v) + " " + word + (v == 1 ? "" : "s");
    };
    Finding f = make("K100", n(s.speakers, "speaker") + " (" + n(nodes, "node") + "), " + n(s.sessions / 2, "session") +
                                 ", at most " + std::to_string(max_sessions) + " per node; at most " +
                                 n(max_node_routes, "route") + " per node; " + n(c.updates, "UPDATE message"));
    f.evidence.push_back("session ends: " + std::to_string(s.sessions) + ", established: " +
                         std::to_string(s.established));
    f.evidence.push_back("best routes over all speakers: " + std::to_string(total_routes));
    f.evidence.push_back("messages: open " + std::to_string(c.opens) + ", update " + std::to_string(c.updates) +
                         ", keepalive " + std::to_string(c.keepalives) + ", notification " +
                         std::to_string(c.notifications));
    res.findings.push_back(std::move(f));
  }

  // R: reachability.
  auto reach = reachability(t, *net);
  s.pairs = reach.pairs;
  s.delivered = reach.delivered;
  s.matrix = reach.summary;

  // V102: do best paths keep changing? (Runs the network on, after every check that reads it.)
  oscillation_findings(t, o, *net, run, res.findings);
  reachability_findings(reach, o, res.findings);

  // F: failures.
  if (o.failures > 0) {
    auto elements = failure_elements(t);
    std::vector<std::vector<std::size_t>> cases;
    for (std::size_t i = 0; i < elements.size(); ++i) cases.push_back({i});
    if (o.failures >= 2)
      for (std::size_t i = 0; i < elements.size(); ++i)
        for (std::size_t j = i + 1; j < elements.size() && cases.size() < 500; ++j) cases.push_back({i, j});
    std::vector<std::string> survived;
    for (const auto& c : cases) {
      auto fnet = simulate(t, o);
      fnet->run();
      std::string name;
      for (std::size_t k : c) {
        const auto& e = elements[k];
        if (e.link) fnet->set_link_up(e.name, false);
        else fnet->fail_host(e.name);
        name += (name.empty() ? "" : " + ") + e.name;
      }
      fnet->run();
      ++s.failure_cases;
      auto r = reachability(t, *fnet);
      // Pairs lost: failures now whose source and destination both still run.
      std::vector<const Walk*> lost;
      for (const auto& w : r.failures) {
        bool was_failing = std::any_of(reach.failures.begin(), reach.failures.end(), [&](const Walk& b) {
          return b.from == w.from && b.block == w.block;
        });
        if (!was_failing) lost.push_back(&w);
      }
      if (lost.empty()) {
        survived.push_back(name);
        continue;
      }
      Finding f = make("F101", "with " + name + " failed, " + std::to_string(lost.size()) + " of " +
                                   std::to_string(r.pairs) + " node-to-block pairs become unreachable",
                       elements[c.front()].loc);
      for (std::size_t i = 0; i < lost.size() && i < o.max_listed; ++i) f.evidence.push_back(describe_walk(*lost[i]));
      if (lost.size() > o.max_listed) f.evidence.push_back("… and " + std::to_string(lost.size() - o.max_listed) + " more");
      res.findings.push_back(std::move(f));
    }
    if (!survived.empty()) {
      Finding f = make("F100", "reachability is unchanged with any one of " + std::to_string(survived.size()) +
                                   (o.failures >= 2 ? " failure cases" : " elements failed"));
      for (std::size_t i = 0; i < survived.size() && i < o.max_listed; ++i) f.evidence.push_back(survived[i]);
      if (survived.size() > o.max_listed)
        f.evidence.push_back("… and " + std::to_string(survived.size() - o.max_listed) + " more");
      res.findings.push_back(std::move(f));
    }
  }
  sort_findings(res.findings);
  return res;
}

}  // namespace peerlab::validators
