// Simulation reports (see sim_reports.hpp).
#include "reports/sim_reports.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "reports/tables.hpp"
#include "validators/sessions.hpp"

namespace peerlab::reports {

namespace {

std::string clock(const sim::Network& net, sim::Time t) {
  return sim::format_clock(t, net.epoch_of_day());
}

// Docker's "Up 13 minutes" wording for the simulated uptime.
std::string uptime(sim::Time t) {
  auto s = sim::to_seconds(t);
  if (s < 1) return "Less than a second";
  if (s < 60) return std::to_string(s) + " seconds";
  if (s < 120) return "About a minute";
  if (s < 3600) return std::to_string(s / 60) + " minutes";
  if (s < 7200) return "About an hour";
  return std::to_string(s / 3600) + " hours";
}

}  // namespace

std::string node_status(const sim::Network& net, sim::SpeakerId node) {
  return node_status(net.sessions(node), net.now(), net.epoch_of_day());
}

std::string node_status(const std::vector<sim::SessionStatus>& sessions, sim::Time up,
                        sim::Time epoch_of_day) {
  std::string out = "calico-node container is running. Status: Up " + uptime(up) + "\n";
  for (Family f : {Family::V4, Family::V6}) {
    std::vector<Row> rows;
    for (const auto& s : sessions) {
      if (s.peer_address.family != f || s.type == PeerType::Fabric) continue;
      rows.push_back({to_string(s.peer_address), std::string(sim::to_string(s.type)),
                      std::string(bgp::to_string(s.proto)), sim::format_clock(s.since, epoch_of_day),
                      s.info()});
    }
    out += std::string("\n") + (f == Family::V4 ? "IPv4" : "IPv6") + " BGP status\n";
    if (rows.empty()) {
      out += std::string("No ") + (f == Family::V4 ? "IPv4" : "IPv6") + " peers found.\n";
      continue;
    }
    out += bordered_table({"Peer address", "Peer type", "State", "Since", "Info"}, rows, CellAlign::Center);
  }
  return out;
}

std::string cluster_status(const sim::Network& net, std::optional<sim::SpeakerId> only) {
  std::vector<Row> rows;
  for (sim::SpeakerId id = 0; id < net.speaker_count(); ++id) {
    if (only && *only != id) continue;
    for (const auto& s : net.sessions(id)) {
      std::string remote_view = "-";
      if (auto peer = net.find_speaker(s.peer_speaker)) {
        const auto r_sessions = net.sessions(*peer);  // keep alive: remote_end points into it
        auto r = validators::remote_end(r_sessions, net.speaker_config(id));
        remote_view = r ? std::string(bgp::to_string(r->proto)) + " " + r->info() : "(no session)";
      }
      rows.push_back({s.speaker, s.protocol, to_string(s.peer_address),
                      s.peer_speaker.empty() ? "(nobody)" : s.peer_speaker,
                      std::string(sim::to_string(s.type)), std::string(bgp::to_string(s.proto)),
                      clock(net, s.since), s.info(), remote_view, validators::explain_session(net, s)});
    }
  }
  return tabwriter_table(
      {"SPEAKER", "PROTOCOL", "PEER ADDRESS", "PEER", "TYPE", "STATE", "SINCE", "INFO", "PEER'S VIEW", "WHY"},
      rows);
}

std::string routes_table(const sim::Network& net, sim::SpeakerId speaker,
                         const std::optional<Prefix>& prefix) {
  std::vector<Row> rows;
  for (const auto& r : net.routes(speaker)) {
    if (prefix && !(r.prefix == prefix->masked() || prefix->contains(r.prefix))) continue;
    std::string cluster;
    for (auto c : r.attrs.cluster_list) cluster += (cluster.empty() ? "" : " ") + bgp::format_router_id(c);
    rows.push_back({to_string(r.prefix), r.best ? "*" : "", r.local ? "(local)" : to_string(r.attrs.next_hop),
                    r.attrs.as_path.empty() ? "(empty)" : bgp::format_as_path(r.attrs.as_path),
                    std::string(1, bgp::origin_code(r.attrs.origin)),
                    std::to_string(r.attrs.local_pref.value_or(bgp::kDefaultLocalPref)),
                    r.attrs.originator_id ? bgp::format_router_id(*r.attrs.originator_id) : "", cluster,
                    r.local ? "(originated)" : r.protocol + (r.stale ? " (stale)" : ""),
                    r.best ? std::string(bgp::to_string(r.rule)) : ""});
  }
  return tabwriter_table({"PREFIX", "BEST", "NEXT HOP", "AS PATH", "ORIGIN", "LOCAL PREF", "ORIGINATOR",
                          "CLUSTER LIST", "FROM", "BEST BECAUSE"},
                         rows);
}

std::string simulate_summary(const sim::Network& net, const sim::RunResult& result) {
  std::ostringstream o;
  o << "outcome: " << sim::to_string(result.outcome);
  if (result.outcome == sim::Outcome::Converged && result.converged_at)
    o << " at " << sim::format_time(*result.converged_at) << " (simulation stopped at "
      << sim::format_time(result.time) << ")\n";
  else if (result.converged_at)  // stopped at a time asked for, after converging
    o << " (converged at " << sim::format_time(*result.converged_at) << "; simulation stopped at "
      << sim::format_time(result.time) << ")\n";
  else
    o << " (simulation stopped at " << sim::format_time(result.time) << ")\n";
  std::size_t total = 0, up = 0;
  std::optional<sim::Time> first, last;
  for (sim::SpeakerId id = 0; id < net.speaker_count(); ++id)
    for (const auto& s : net.sessions(id)) {
      ++total;
      if (s.state != bgp::State::Established) continue;
      ++up;
      if (s.established_at) {
        if (!first || *s.established_at < *first) first = s.established_at;
        if (!last || *s.established_at > *last) last = s.established_at;
      }
    }
  o << "speakers: " << net.speaker_count() << ", session ends: " << total << ", established: " << up << "\n";
  if (first)
    o << "sessions came up between " << sim::format_time(*first) << " and " << sim::format_time(*last)
      << "\n";
  const auto& c = net.counters();
  o << "messages: " << (c.opens + c.updates + c.keepalives + c.notifications) << " (open " << c.opens
    << ", update " << c.updates << ", keepalive " << c.keepalives << ", notification " << c.notifications
    << ")\n";
  o << "prefixes announced: " << c.prefixes_announced << ", withdrawn: " << c.prefixes_withdrawn
    << ", best-path changes: " << c.best_changes << "\n";
  o << "events: " << c.events << ", fingerprint: " << std::hex << net.fingerprint() << std::dec << "\n";
  if (up < total) {
    o << "\nsessions not established:\n";
    for (sim::SpeakerId id = 0; id < net.speaker_count(); ++id)
      for (const auto& s : net.sessions(id))
        if (s.state != bgp::State::Established)
          o << "  " << s.speaker << " " << s.protocol << ": " << bgp::to_string(s.proto) << " " << s.info()
            << " — " << validators::explain_session(net, s) << "\n";
  }
  return o.str();
}

}  // namespace peerlab::reports
